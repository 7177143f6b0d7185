//! The batch plot: parameters and edges per instance for each method, on a log scale (SVG).

use super::{RowStatus, SummaryRow};
use crate::layer::write_atomically;
use crate::render::{draw_error, ensure_font, parameter_colour, RenderError, FONT};
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// Writes the chart of `rows` to `path` (`.svg`, or `.png` for a bitmap),
/// atomically: two panels, parameters above and edges below, one line per
/// method, the instances along the x axis in row order. Rows that are not
/// `ok` are left out. Fails with plotters' drawing error, the PNG encoder's
/// error or the write's, each kept as the [`RenderError`]'s source.
pub fn write_plot(path: &Path, rows: &[SummaryRow], methods: &[&str]) -> Result<(), RenderError> {
    let (width, height) = plot_size(rows);
    if path.extension().is_some_and(|e| e == "png") {
        let mut rgb = vec![0u8; width as usize * height as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
            draw_plot(&root, rows, methods)?;
        }
        return crate::render::write_png(path, &rgb, width, height);
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        draw_plot(&root, rows, methods)?;
    }
    Ok(write_atomically(path, |w| w.write_all(svg.as_bytes()))?)
}

fn instance_names(rows: &[SummaryRow]) -> Vec<&str> {
    let mut instances: Vec<&str> = rows
        .iter()
        .filter(|r| r.status == RowStatus::Ok)
        .map(|r| r.instance.as_str())
        .collect();
    instances.dedup();
    instances
}

fn plot_size(rows: &[SummaryRow]) -> (u32, u32) {
    let instances = instance_names(rows);
    let width = (160 + 28 * instances.len() as u32).clamp(640, 4000);
    let label_len = instances.iter().map(|s| s.len()).max().unwrap_or(4) as u32;
    (width, 2 * 300 + 7 * label_len.min(40))
}

fn draw_plot<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    rows: &[SummaryRow],
    methods: &[&str],
) -> Result<(), RenderError>
where
    DB::ErrorType: 'static,
{
    ensure_font();
    let instances = instance_names(rows);
    let n = instances.len().max(1);
    let label_len = instances.iter().map(|s| s.len()).max().unwrap_or(4) as u32;
    let height = plot_size(rows).1;
    {
        root.fill(&WHITE).map_err(draw_error)?;
        let (upper, lower) = root.split_vertically(height / 2);
        for (area, what) in [(upper, "parameters"), (lower, "edges")] {
            let value = |r: &SummaryRow| -> Option<f64> {
                match what {
                    "parameters" => r.parameters.map(|p| p as f64),
                    _ => r.edges.map(|e| e as f64),
                }
            };
            let max = rows
                .iter()
                .filter(|r| r.status == RowStatus::Ok)
                .filter_map(value)
                .fold(1.0f64, f64::max);
            let mut chart = ChartBuilder::on(&area)
                .caption(format!("{what} per instance (log scale)"), (FONT, 18))
                .margin(10)
                .x_label_area_size(if what == "edges" {
                    7 * label_len.min(40) + 10
                } else {
                    10
                })
                .y_label_area_size(60)
                .build_cartesian_2d((0..n).into_segmented(), (0.8f64..max * 1.5).log_scale())
                .map_err(draw_error)?;
            let names = instances.clone();
            let x_label = move |v: &SegmentValue<usize>| match v {
                SegmentValue::CenterOf(i) => names.get(*i).map_or(String::new(), |s| s.to_string()),
                _ => String::new(),
            };
            let mut mesh = chart.configure_mesh();
            mesh.y_desc(what)
                .x_labels(n)
                .disable_x_mesh()
                .y_label_formatter(&|v| format!("{v:.0}"));
            if what == "edges" {
                mesh.x_label_formatter(&x_label).x_label_style(
                    TextStyle::from((FONT, 12).into_font().transform(FontTransform::Rotate90))
                        .pos(Pos::new(HPos::Left, VPos::Center)),
                );
            } else {
                mesh.x_label_formatter(&|_| String::new());
            }
            mesh.draw().map_err(draw_error)?;
            for (k, method) in methods.iter().enumerate() {
                let colour = parameter_colour(k);
                let points: Vec<(SegmentValue<usize>, f64)> = rows
                    .iter()
                    .filter(|r| r.status == RowStatus::Ok && r.method.as_str() == *method)
                    .filter_map(|r| {
                        let i = instances.iter().position(|s| *s == r.instance)?;
                        Some((SegmentValue::CenterOf(i), value(r)?.max(0.9)))
                    })
                    .collect();
                chart
                    .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))
                    .map_err(draw_error)?
                    .label(*method)
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2))
                    });
                chart
                    .draw_series(
                        points
                            .into_iter()
                            .map(|p| Circle::new(p, 4, colour.filled())),
                    )
                    .map_err(draw_error)?;
            }
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .label_font((FONT, 13))
                .draw()
                .map_err(draw_error)?;
        }
        root.present().map_err(draw_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::drawing::DrawingAreaErrorKind;
    use plotters_backend::{BackendColor, BackendCoord, DrawingErrorKind};

    /// The error of a backend that refuses every pixel.
    #[derive(Debug, thiserror::Error, PartialEq)]
    #[error("pixel refused")]
    struct Refused;

    struct RefusingBackend;

    impl DrawingBackend for RefusingBackend {
        type ErrorType = Refused;
        fn get_size(&self) -> (u32, u32) {
            (640, 640)
        }
        fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Refused>> {
            Ok(())
        }
        fn present(&mut self) -> Result<(), DrawingErrorKind<Refused>> {
            Ok(())
        }
        fn draw_pixel(
            &mut self,
            _: BackendCoord,
            _: BackendColor,
        ) -> Result<(), DrawingErrorKind<Refused>> {
            Err(DrawingErrorKind::DrawingError(Refused))
        }
    }

    #[test]
    fn a_drawing_error_keeps_the_backends_error_as_its_source() {
        let root = RefusingBackend.into_drawing_area();
        let err = draw_plot(&root, &[], &["dense"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "drawing failed: backend error: Drawing backend error: pixel refused"
        );
        let RenderError::Draw(source) = err else {
            panic!("expected a drawing error, got {err:?}");
        };
        let kind = source
            .downcast_ref::<DrawingAreaErrorKind<Refused>>()
            .expect("the source is plotters' own error, not a string");
        assert!(matches!(
            kind,
            DrawingAreaErrorKind::BackendError(DrawingErrorKind::DrawingError(Refused))
        ));
    }

    #[test]
    fn a_write_error_keeps_the_io_error() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["plot.svg", "plot.png"] {
            let path = dir.path().join("missing").join(name);
            let err = write_plot(&path, &[], &["dense"]).unwrap_err();
            let RenderError::Io(io) = &err else {
                panic!("expected an I/O error for {name}, got {err:?}");
            };
            assert_eq!(io.kind(), std::io::ErrorKind::NotFound, "{name}");
        }
    }
}
