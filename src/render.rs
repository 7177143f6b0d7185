//! Pictures of tying matrices: a grid of cells, one colour per shared parameter, blank for no edge.
//!
//! Drawn with plotters (SVG backend, or the bitmap backend for PNG) in the
//! style of the paper's figures: outputs `y_m` label the rows, inputs `x_n`
//! the columns. Text uses DejaVu Sans, embedded from the `dejavu` crate so
//! pictures look the same on machines without system fonts.

use crate::layer::{write_atomically, Layer};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;
use std::sync::Once;

/// The font family every picture uses.
pub(crate) const FONT: &str = "sans-serif";

/// Registers the embedded font with plotters (once per process).
pub(crate) fn ensure_font() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        // the dejavu crate ships a valid TrueType file
        plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular())
            .unwrap_or_else(|_| panic!("embedded DejaVu Sans is a valid font"));
    });
}

/// Why a picture could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// plotters' error, whose type depends on the backend (SVG or bitmap).
    #[error("drawing failed: {0}")]
    Draw(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("PNG encoding: {0}")]
    Png(#[source] png::EncodingError),
    #[error("unknown picture type for {0} (use .svg or .png)")]
    UnknownType(String),
    #[error("a {rows} x {cols} matrix is too large to draw (at most {max} cells a side)")]
    TooLarge {
        rows: usize,
        cols: usize,
        max: usize,
    },
}

/// plotters' error `e` as a [`RenderError::Draw`], kept as its source.
pub(crate) fn draw_error<E: std::error::Error + Send + Sync + 'static>(e: E) -> RenderError {
    RenderError::Draw(Box::new(e))
}

/// Twenty well-separated colours (Tableau 20 order: dark shades first).
const PALETTE: [(u8, u8, u8); 20] = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
    (174, 199, 232),
    (255, 187, 120),
    (152, 223, 138),
    (255, 152, 150),
    (197, 176, 213),
    (196, 156, 148),
    (247, 182, 210),
    (199, 199, 199),
    (219, 219, 141),
    (158, 218, 229),
];

/// The colour of parameter `p`: the palette for the first twenty, then
/// hues spaced by the golden angle at alternating lightness. Depends only on `p`.
pub fn parameter_colour(p: usize) -> RGBColor {
    if let Some(&(r, g, b)) = PALETTE.get(p) {
        return RGBColor(r, g, b);
    }
    let hue = (p as f64 * 0.618_033_988_749_895).fract();
    let lightness = [0.45, 0.62, 0.75][p % 3];
    let (r, g, b) = HSLColor(hue, 0.65, lightness).rgb();
    RGBColor(r, g, b)
}

/// An upper bound on a label character's width, per mille of the font
/// size (DejaVu Sans digits are 636/1000 em wide, `x` 592).
const LABEL_CHAR_WIDTH_PER_MILLE: u32 = 650;

/// The largest side (rows or columns) [`render_layer`] draws.
pub const MAX_CELLS: usize = 2048;

/// Sizes of one picture, in pixels.
struct GridGeometry {
    cell: u32,
    left: u32,
    top: u32,
    width: u32,
    height: u32,
    /// Label every k-th row.
    label_every: usize,
    /// Label every k-th column: column labels run side by side, so the
    /// step follows their width (`x2047` is five characters), not their height.
    column_label_every: usize,
    label_size: u32,
}

impl GridGeometry {
    fn new(rows: usize, cols: usize, title_chars: usize) -> GridGeometry {
        let side = rows.max(cols).max(1) as u32;
        let cell = (720 / side).clamp(2, 48);
        let label_size = (cell * 11 / 20).clamp(10, 15);
        // label every k-th row/column so labels never overlap
        let label_every = (label_size as usize * 3 / 2).div_ceil(cell as usize).max(1);
        let digits = rows.max(cols).max(1).to_string().len() as u32;
        let column_label_width = (digits + 1) * label_size * LABEL_CHAR_WIDTH_PER_MILLE / 1000 + 4;
        let column_label_every = (column_label_width as usize)
            .div_ceil(cell as usize)
            .max(label_every);
        let left = 24 + label_size * (digits + 1) + 10;
        let top = 34 + 2 * (label_size + 8);
        let title_width = 16 + title_chars as u32 * 9;
        GridGeometry {
            cell,
            left,
            top,
            width: (left + cell * cols as u32 + 16).max(title_width),
            height: top + cell * rows as u32 + 16,
            label_every,
            column_label_every,
            label_size,
        }
    }
}

fn title(layer: &Layer) -> String {
    format!(
        "{} ({}): {} parameters, {} edges",
        layer.instance, layer.method, layer.parameters, layer.edges
    )
}

/// Draws the tying matrix of `layer` onto `root`.
fn draw_grid<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    layer: &Layer,
    g: &GridGeometry,
) -> Result<(), RenderError>
where
    DB::ErrorType: 'static,
{
    ensure_font();
    let t = &layer.tying;
    root.fill(&WHITE).map_err(draw_error)?;
    root.draw(&Text::new(
        title(layer),
        (8, 8),
        (FONT, 16).into_font().color(&BLACK),
    ))
    .map_err(draw_error)?;
    let cell = g.cell as i32;
    let (x0, y0) = (g.left as i32, g.top as i32);
    let show_numbers = g.cell >= 22 && layer.parameters < 1000;
    let number_style = TextStyle::from((FONT, (g.cell as f64 * 0.42).max(9.0)).into_font())
        .pos(Pos::new(HPos::Center, VPos::Center));
    for m in 0..t.rows {
        for n in 0..t.cols {
            let (x, y) = (x0 + n as i32 * cell, y0 + m as i32 * cell);
            let v = t.get(m, n);
            if v >= 0 {
                let colour = parameter_colour(v as usize);
                root.draw(&Rectangle::new(
                    [(x, y), (x + cell, y + cell)],
                    colour.filled(),
                ))
                .map_err(draw_error)?;
                if show_numbers {
                    let dark =
                        (colour.0 as u32 * 299 + colour.1 as u32 * 587 + colour.2 as u32 * 114)
                            < 128_000;
                    let ink = if dark { &WHITE } else { &BLACK };
                    root.draw(&Text::new(
                        v.to_string(),
                        (x + cell / 2, y + cell / 2),
                        number_style.color(ink),
                    ))
                    .map_err(draw_error)?;
                }
            }
        }
    }
    if g.cell >= 4 {
        let line = RGBColor(200, 200, 200);
        for m in 0..=t.rows as i32 {
            let y = y0 + m * cell;
            root.draw(&PathElement::new(
                vec![(x0, y), (x0 + t.cols as i32 * cell, y)],
                line,
            ))
            .map_err(draw_error)?;
        }
        for n in 0..=t.cols as i32 {
            let x = x0 + n * cell;
            root.draw(&PathElement::new(
                vec![(x, y0), (x, y0 + t.rows as i32 * cell)],
                line,
            ))
            .map_err(draw_error)?;
        }
    } else {
        root.draw(&Rectangle::new(
            [
                (x0, y0),
                (x0 + t.cols as i32 * cell, y0 + t.rows as i32 * cell),
            ],
            RGBColor(160, 160, 160),
        ))
        .map_err(draw_error)?;
    }
    let label = TextStyle::from((FONT, g.label_size as f64).into_font()).color(&BLACK);
    for n in (0..t.cols).step_by(g.column_label_every) {
        root.draw(&Text::new(
            format!("x{n}"),
            (x0 + n as i32 * cell + cell / 2, y0 - 4),
            label.pos(Pos::new(HPos::Center, VPos::Bottom)),
        ))
        .map_err(draw_error)?;
    }
    for m in (0..t.rows).step_by(g.label_every) {
        root.draw(&Text::new(
            format!("y{m}"),
            (x0 - 6, y0 + m as i32 * cell + cell / 2),
            label.pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(draw_error)?;
    }
    let caption = label.pos(Pos::new(HPos::Center, VPos::Bottom));
    root.draw(&Text::new(
        "inputs x",
        (x0 + t.cols as i32 * cell / 2, y0 - g.label_size as i32 - 12),
        caption.clone(),
    ))
    .map_err(draw_error)?;
    root.draw(&Text::new(
        "outputs y",
        (6, y0 + t.rows as i32 * cell / 2),
        TextStyle::from(
            (FONT, g.label_size as f64)
                .into_font()
                .transform(FontTransform::Rotate270),
        )
        .color(&BLACK)
        .pos(Pos::new(HPos::Center, VPos::Top)),
    ))
    .map_err(draw_error)?;
    root.present().map_err(draw_error)?;
    Ok(())
}

/// The picture type of `path`, from its extension.
fn picture_type(path: &Path) -> Result<&'static str, RenderError> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .as_deref()
    {
        Some("svg") => Ok("svg"),
        Some("png") => Ok("png"),
        _ => Err(RenderError::UnknownType(path.display().to_string())),
    }
}

/// The tying matrix of `layer` as an SVG document.
pub fn layer_svg(layer: &Layer) -> Result<String, RenderError> {
    check_size(layer)?;
    let g = GridGeometry::new(
        layer.tying.rows,
        layer.tying.cols,
        title(layer).chars().count(),
    );
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (g.width, g.height)).into_drawing_area();
        draw_grid(&root, layer, &g)?;
    }
    Ok(svg)
}

fn check_size(layer: &Layer) -> Result<(), RenderError> {
    let (rows, cols) = (layer.tying.rows, layer.tying.cols);
    if rows > MAX_CELLS || cols > MAX_CELLS {
        return Err(RenderError::TooLarge {
            rows,
            cols,
            max: MAX_CELLS,
        });
    }
    Ok(())
}

/// Draws `layer` to `path` (`.svg` or `.png`), written atomically.
pub fn render_layer(layer: &Layer, path: &Path) -> Result<(), RenderError> {
    match picture_type(path)? {
        "svg" => {
            let svg = layer_svg(layer)?;
            write_atomically(path, |w| w.write_all(svg.as_bytes()))?;
        }
        _ => {
            check_size(layer)?;
            let g = GridGeometry::new(
                layer.tying.rows,
                layer.tying.cols,
                title(layer).chars().count(),
            );
            let mut rgb = vec![0u8; g.width as usize * g.height as usize * 3];
            {
                let root =
                    BitMapBackend::with_buffer(&mut rgb, (g.width, g.height)).into_drawing_area();
                draw_grid(&root, layer, &g)?;
            }
            write_png(path, &rgb, g.width, g.height)?;
        }
    }
    Ok(())
}

/// Encodes an RGB buffer as PNG to `path`, atomically.
pub(crate) fn write_png(
    path: &Path,
    rgb: &[u8],
    width: u32,
    height: u32,
) -> Result<(), RenderError> {
    let mut result = Ok(());
    write_atomically(path, |w| {
        let mut encoder = png::Encoder::new(w, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Best);
        let outcome = encoder
            .write_header()
            .and_then(|mut writer| writer.write_image_data(rgb));
        outcome.map_err(|e| {
            result = Err(RenderError::Png(e));
            std::io::Error::other("PNG encoding failed")
        })
    })
    .or_else(|e| result.and(Err(RenderError::Io(e))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::Tying;

    fn layer(rows: usize, cols: usize, data: Vec<i32>) -> Layer {
        let layer_json = serde_json::json!({
            "instance": "t", "method": "dense", "input_size": cols, "output_size": rows,
            "generators": [],
            "tying": data.chunks(cols).collect::<Vec<_>>(),
        });
        let layer = Layer::from_json_str(&layer_json.to_string()).expect("valid layer");
        assert_eq!(layer.tying, Tying { rows, cols, data });
        layer
    }

    /// Decodes a PNG written by `render_layer` into (width, RGB bytes).
    fn decode(path: &Path) -> (u32, Vec<u8>) {
        let decoder = png::Decoder::new(std::fs::File::open(path).unwrap());
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        (info.width, buf)
    }

    #[test]
    fn png_cells_have_their_parameter_colours() {
        // a circulant with a hole: the pattern is read back cell by cell
        let l = layer(3, 4, vec![0, 1, 2, -1, 2, 0, 1, 3, 1, 2, 0, 3]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.png");
        render_layer(&l, &path).unwrap();
        let (width, rgb) = decode(&path);
        let g = GridGeometry::new(3, 4, title(&l).chars().count());
        for m in 0..3 {
            for n in 0..4 {
                // a pixel near the cell's corner, away from grid lines and numbers
                let x = g.left + n as u32 * g.cell + 4;
                let y = g.top + m as u32 * g.cell + 4;
                let i = ((y * width + x) * 3) as usize;
                let want = match l.tying.get(m, n) {
                    -1 => RGBColor(255, 255, 255),
                    p => parameter_colour(p as usize),
                };
                assert_eq!(
                    (rgb[i], rgb[i + 1], rgb[i + 2]),
                    (want.0, want.1, want.2),
                    "cell ({m}, {n})"
                );
            }
        }
    }

    #[test]
    fn svg_has_one_rectangle_per_edge_and_labels() {
        let l = layer(2, 2, vec![0, 1, 1, -1]);
        let svg = layer_svg(&l).unwrap();
        assert!(svg.starts_with("<svg"));
        for label in ["x0", "x1", "y0", "y1"] {
            assert!(svg.contains(&format!(">\n{label}\n<")), "{label} missing");
        }
        let (c0, c1) = (parameter_colour(0), parameter_colour(1));
        let fill = |c: RGBColor| format!("fill=\"#{:02X}{:02X}{:02X}\"", c.0, c.1, c.2);
        assert_eq!(svg.matches(&fill(c0)).count(), 1);
        assert_eq!(svg.matches(&fill(c1)).count(), 2);
    }

    /// The x coordinate and text of every column label `xN` in an SVG.
    fn column_labels(svg: &str) -> Vec<(f64, String)> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| {
                let x: f64 = t.split("x=\"").nth(1)?.split('"').next()?.parse().ok()?;
                let text = t.split('>').nth(1)?.split('<').next()?.trim().to_string();
                let digits = text.strip_prefix('x')?;
                digits.parse::<usize>().ok().map(|_| (x, text))
            })
            .collect()
    }

    #[test]
    fn column_labels_never_overlap_on_wide_layers() {
        for cols in [16, 100, 256, 300, 1000, 2048] {
            let l = layer(1, cols, (0..cols as i32).collect());
            let svg = layer_svg(&l).unwrap();
            let labels = column_labels(&svg);
            assert!(labels.len() >= 2, "{cols} columns: {} labels", labels.len());
            let size = GridGeometry::new(1, cols, 0).label_size as f64;
            for pair in labels.windows(2) {
                let ((x0, a), (x1, b)) = (&pair[0], &pair[1]);
                // centred labels: half of each one's width, at DejaVu's
                // 0.636 em per digit (the widest glyph used)
                let room = (a.len() + b.len()) as f64 / 2.0 * 0.636 * size;
                assert!(
                    x1 - x0 >= room,
                    "{cols} columns: {a} at {x0} and {b} at {x1} overlap ({room} needed)"
                );
            }
        }
    }

    #[test]
    fn colours_are_distinct_and_unknown_types_refused() {
        let colours: std::collections::HashSet<_> = (0..60)
            .map(parameter_colour)
            .map(|c| (c.0, c.1, c.2))
            .collect();
        assert_eq!(colours.len(), 60);
        let l = layer(1, 1, vec![0]);
        assert!(matches!(
            render_layer(&l, Path::new("x.gif")),
            Err(RenderError::UnknownType(_))
        ));
    }
}
