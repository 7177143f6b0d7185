//! Decimal text of tying rows, fast and in parallel: the JSON writer's matrix.
//!
//! A 64x64 image layer has 16.8 million entries; `to_string` per entry (an
//! allocation each) took 0.5 s of the 0.9 s a dense design took. Here each
//! entry is written two digits at a time from a table into one buffer per
//! block of rows, blocks formatted on rayon's threads and written in order,
//! so the bytes are exactly those of the one-entry-at-a-time writer.
use crate::layer::Tying;
use rayon::prelude::*;
use std::io::Write;

/// "00" "01" ... "99".
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Appends the decimal text of `v` to `buf`.
pub fn push_decimal(buf: &mut Vec<u8>, v: i32) {
    let mut text = [0u8; 11];
    let len = put_decimal(&mut text, 0, v);
    buf.extend_from_slice(&text[..len]);
}

/// Writes the decimal text of `v` into `buf` at `at` (11 bytes must fit);
/// returns the position after it. Digits go straight into place, two at a
/// time: a copy call per entry (`extend_from_slice` of a few bytes) cost a
/// quarter of a dense design's time.
fn put_decimal(buf: &mut [u8], mut at: usize, v: i32) -> usize {
    if v < 0 {
        buf[at] = b'-';
        at += 1;
    }
    let mut x = v.unsigned_abs();
    let digits = match x {
        0..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        1000..=9999 => 4,
        10_000..=99_999 => 5,
        100_000..=999_999 => 6,
        1_000_000..=9_999_999 => 7,
        10_000_000..=99_999_999 => 8,
        100_000_000..=999_999_999 => 9,
        _ => 10,
    };
    let mut end = at + digits;
    while x >= 100 {
        let pair = (x % 100) as usize * 2;
        x /= 100;
        buf[end - 2] = PAIRS[pair];
        buf[end - 1] = PAIRS[pair + 1];
        end -= 2;
    }
    if x >= 10 {
        let pair = x as usize * 2;
        buf[end - 2] = PAIRS[pair];
        buf[end - 1] = PAIRS[pair + 1];
    } else {
        buf[end - 1] = b'0' + x as u8;
    }
    at + digits
}

/// Rows formatted per parallel task.
const ROWS_PER_BLOCK: usize = 32;

/// Writes the rows of `tying` as the layer file does: each row on its own
/// line, `\n    [a,b,...]`, rows after the first preceded by a comma.
///
/// Blocks of rows are formatted in parallel into buffers that are reused
/// from one wave of blocks to the next: fresh megabyte buffers per block
/// cost as much in page faults as the formatting itself.
pub fn write_rows(out: &mut (impl Write + ?Sized), tying: &Tying) -> std::io::Result<()> {
    let format_block = |buf: &mut Vec<u8>, first: usize| {
        let last = (first + ROWS_PER_BLOCK).min(tying.rows);
        // At most 12 bytes an entry (sign, 10 digits, comma) and 8 a row.
        buf.resize((last - first) * (tying.cols * 12 + 8), 0);
        let mut at = 0;
        for m in first..last {
            let open: &[u8] = if m == 0 { b"\n    [" } else { b",\n    [" };
            buf[at..at + open.len()].copy_from_slice(open);
            at += open.len();
            for (n, &v) in tying.data[m * tying.cols..(m + 1) * tying.cols]
                .iter()
                .enumerate()
            {
                if n > 0 {
                    buf[at] = b',';
                    at += 1;
                }
                at = put_decimal(buf, at, v);
            }
            buf[at] = b']';
            at += 1;
        }
        buf.truncate(at);
    };
    let starts: Vec<usize> = (0..tying.rows).step_by(ROWS_PER_BLOCK).collect();
    let mut buffers: Vec<Vec<u8>> = vec![Vec::new(); 4 * rayon::current_num_threads()];
    for wave in starts.chunks(buffers.len()) {
        buffers
            .par_iter_mut()
            .zip(wave)
            .for_each(|(buf, &first)| format_block(buf, first));
        for buf in &buffers[..wave.len()] {
            out.write_all(buf)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_match_to_string() {
        let mut values = vec![
            0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 12345, -1, -10, -99, -100,
        ];
        values.extend([i32::MAX, i32::MIN, i32::MAX - 1, 1 << 20]);
        values.extend((0..2000).map(|i| i * 7919 % 100_003 - 50_000));
        for v in values {
            let mut buf = Vec::new();
            push_decimal(&mut buf, v);
            assert_eq!(String::from_utf8(buf).unwrap(), v.to_string());
        }
    }

    #[test]
    fn rows_are_written_as_one_entry_at_a_time() {
        let tying = Tying {
            rows: 70,
            cols: 3,
            data: (0..210)
                .map(|i| if i % 5 == 0 { -1 } else { i * 13 })
                .collect(),
        };
        let mut want = String::new();
        for m in 0..tying.rows {
            want.push_str(if m == 0 { "\n    [" } else { ",\n    [" });
            let row: Vec<String> = (0..3).map(|n| tying.get(m, n).to_string()).collect();
            want.push_str(&row.join(","));
            want.push(']');
        }
        let mut got = Vec::new();
        write_rows(&mut got, &tying).unwrap();
        assert_eq!(String::from_utf8(got).unwrap(), want);
    }
}
