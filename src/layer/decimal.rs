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

/// "0000" to "9999" as ASCII, four bytes each, read as little-endian words.
static QUADS: [u32; 10_000] = quads();

const fn quads() -> [u32; 10_000] {
    let mut table = [0u32; 10_000];
    let mut i = 0;
    while i < 10_000 {
        table[i] = u32::from_le_bytes([
            b'0' + (i / 1000) as u8,
            b'0' + (i / 100 % 10) as u8,
            b'0' + (i / 10 % 10) as u8,
            b'0' + (i % 10) as u8,
        ]);
        i += 1;
    }
    table
}

/// The eight decimal digits of `v < 10^8` in ASCII, leading zeros
/// included, as a little-endian word: byte 0 is the most significant
/// digit. Two table words and two multiplications (the divisions by 10^4);
/// the arithmetic splits of 4-digit halves took seven and were slower.
fn digit_text(v: u32) -> u64 {
    debug_assert!(v < 100_000_000);
    let (hi, lo) = (v / 10_000, v % 10_000);
    u64::from(QUADS[hi as usize]) | (u64::from(QUADS[lo as usize]) << 32)
}

/// Writes the digits of `v < 10^8` at `at` and returns the position after
/// them; stores 8 bytes, so 8 must fit. No branch on the length: the eight
/// digits are built in one word and shifted past the leading zeros (the
/// indices of a dense layer have 6 or 7 digits in about equal numbers, so a
/// branch per length was mispredicted on every other entry).
fn put_below_10_8(buf: &mut [u8], at: usize, v: u32) -> usize {
    let text = digit_text(v);
    // leading zeros are the low bytes equal to '0' (v = 0 keeps one)
    let zeros = ((text ^ 0x3030_3030_3030_3030).trailing_zeros() as usize / 8).min(7);
    buf[at..at + 8].copy_from_slice(&(text >> (8 * zeros)).to_le_bytes());
    at + 8 - zeros
}

/// Rows formatted per task.
const ROWS_PER_BLOCK: usize = 32;

/// Formats rows `first..` (at most [`ROWS_PER_BLOCK`]) of `tying` into the
/// front of `buf` as the layer file has them: `\n    [a,b,...]`, rows after
/// the first preceded by a comma. Returns the length written; `buf` only
/// grows (zero-filling a megabyte per block again and again cost as much
/// as the digits).
fn format_block(tying: &Tying, buf: &mut Vec<u8>, first: usize) -> usize {
    let last = (first + ROWS_PER_BLOCK).min(tying.rows);
    // At most 12 bytes an entry (sign, 10 digits, comma), 8 a row, and the
    // 8 bytes the last entry's store may reach past its digits.
    let room = (last - first) * (tying.cols * 12 + 8) + 8;
    if buf.len() < room {
        buf.resize(room, 0);
    }
    let mut at = 0;
    for m in first..last {
        let open: &[u8] = if m == 0 { b"\n    [" } else { b",\n    [" };
        buf[at..at + open.len()].copy_from_slice(open);
        at += open.len();
        let row = &tying.data[m * tying.cols..(m + 1) * tying.cols];
        for &v in row {
            at = match u32::try_from(v) {
                Ok(small) if small < 100_000_000 => put_below_10_8(buf, at, small),
                _ => put_decimal(buf, at, v),
            };
            buf[at] = b',';
            at += 1;
        }
        if row.is_empty() {
            at += 1;
        }
        // the last entry's comma (or the room left for it) closes the row
        buf[at - 1] = b']';
    }
    at
}

/// Writes the rows of `tying` as the layer file does: each row on its own
/// line, `\n    [a,b,...]`, rows after the first preceded by a comma.
///
/// Blocks of rows are formatted on rayon's threads a wave at a time while
/// this thread writes the wave before (the writer is not `Send`, so the
/// writing stays here): formatting and the kernel's copy into the page
/// cache overlap. Two waves of buffers circulate between the two sides, so
/// memory stays at two waves whatever the matrix size (fresh megabyte
/// buffers per block cost as much in page faults as the formatting).
pub fn write_rows(out: &mut (impl Write + ?Sized), tying: &Tying) -> std::io::Result<()> {
    use std::sync::mpsc::sync_channel;
    let starts: Vec<usize> = (0..tying.rows).step_by(ROWS_PER_BLOCK).collect();
    if rayon::current_thread_index().is_some() {
        // On one of rayon's threads (a batch job) the formatter's task could
        // land in this thread's own queue while this thread waits for it:
        // format and write one block at a time (the jobs are the parallelism).
        let mut buf = Vec::new();
        for &first in &starts {
            let len = format_block(tying, &mut buf, first);
            out.write_all(&buf[..len])?;
        }
        return Ok(());
    }
    let per_wave = 4 * rayon::current_num_threads();
    rayon::in_place_scope(|scope| {
        // formatted waves (each buffer with the length used) to this thread, emptied buffers back
        type Wave = Vec<(Vec<u8>, usize)>;
        let (full_tx, full_rx) = sync_channel::<Wave>(1);
        let (empty_tx, empty_rx) = sync_channel::<Wave>(2);
        for _ in 0..2 {
            // room for two: cannot block
            let _ = empty_tx.send(vec![(Vec::new(), 0); per_wave]);
        }
        let starts = &starts;
        scope.spawn(move |_| {
            for wave in starts.chunks(per_wave) {
                // a closed channel: the writer failed and returned
                let Ok(mut buffers) = empty_rx.recv() else {
                    return;
                };
                buffers
                    .par_iter_mut()
                    .zip(wave)
                    .for_each(|((buf, len), &first)| *len = format_block(tying, buf, first));
                buffers.truncate(wave.len());
                if full_tx.send(buffers).is_err() {
                    return;
                }
            }
        });
        for _ in starts.chunks(per_wave) {
            // the formatter sends one wave per chunk unless it panicked
            let Ok(mut buffers) = full_rx.recv() else {
                break;
            };
            for (buf, len) in &buffers {
                out.write_all(&buf[..*len])?;
            }
            buffers.resize(per_wave, (Vec::new(), 0));
            // the formatter may have finished and gone: nothing to hand back to
            let _ = empty_tx.send(buffers);
        }
        Ok(())
    })
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

    /// The rows as the one-entry-at-a-time writer (`to_string` per entry) had them.
    fn by_to_string(tying: &Tying) -> String {
        let mut want = String::new();
        for m in 0..tying.rows {
            want.push_str(if m == 0 { "\n    [" } else { ",\n    [" });
            let row: Vec<String> = (0..tying.cols)
                .map(|n| tying.get(m, n).to_string())
                .collect();
            want.push_str(&row.join(","));
            want.push(']');
        }
        want
    }

    fn written(tying: &Tying) -> String {
        let mut got = Vec::new();
        write_rows(&mut got, tying).unwrap();
        String::from_utf8(got).unwrap()
    }

    #[test]
    fn every_number_below_10_8_has_its_digits() {
        // a decimal counter, carried by hand, beside the table's digits
        let mut counter = *b"00000000";
        for v in 0..100_000_000u32 {
            assert_eq!(digit_text(v), u64::from_le_bytes(counter), "{v}");
            let mut i = 7;
            loop {
                counter[i] += 1;
                if counter[i] <= b'9' || i == 0 {
                    break;
                }
                counter[i] = b'0';
                i -= 1;
            }
        }
        // the leading zeros dropped: every length and its edges
        let mut buf = [0u8; 16];
        let mut values = vec![0, 1, 9, 99_999_999];
        for k in 1..8 {
            let p = 10u32.pow(k);
            values.extend([p - 1, p, p + 1, 3 * p]);
        }
        values.extend((0..10_000).map(|i| i * 9_973 % 100_000_000));
        for v in values {
            let len = put_below_10_8(&mut buf, 0, v);
            assert_eq!(&buf[..len], v.to_string().as_bytes(), "{v}");
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
        assert_eq!(written(&tying), by_to_string(&tying));
    }

    #[test]
    fn every_digit_count_and_many_waves_match_to_string() {
        // 1 to 10 digits, -1, the edges of each length; 1000 rows is several
        // waves of blocks, so the order across waves is checked too
        let mut special = vec![-1, 0, i32::MAX, 99_999_999, 100_000_000];
        for k in 1..10 {
            let p = 10i32.pow(k);
            special.extend([p - 1, p, p + 1]);
        }
        let (rows, cols) = (1000, 7);
        let data = (0..rows * cols)
            .map(|i| match i % 3 {
                0 => special[i / 3 % special.len()],
                1 => ((i as u64 * 2_654_435_761) % (i32::MAX as u64)) as i32,
                _ => (i as i32 * 7919) % (1 << (i % 31)).max(1),
            })
            .collect();
        let tying = Tying { rows, cols, data };
        let want = by_to_string(&tying);
        assert_eq!(written(&tying), want);
        // on one of rayon's threads (as in a batch job) the same bytes, written in place
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        assert_eq!(pool.install(|| written(&tying)), want);
    }

    #[test]
    fn empty_rows_and_no_rows() {
        let empty_rows = Tying {
            rows: 3,
            cols: 0,
            data: vec![],
        };
        assert_eq!(written(&empty_rows), by_to_string(&empty_rows));
        assert_eq!(written(&empty_rows), "\n    [],\n    [],\n    []");
        let none = Tying {
            rows: 0,
            cols: 4,
            data: vec![],
        };
        assert_eq!(written(&none), "");
    }

    #[test]
    fn a_failed_write_is_reported_and_nothing_hangs() {
        struct Full(usize);
        impl Write for Full {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                if self.0 == 0 {
                    return Err(std::io::Error::other("disk full"));
                }
                self.0 -= 1;
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let tying = Tying {
            rows: 2000,
            cols: 50,
            data: (0..100_000).collect(),
        };
        for writes in [0, 1, 5] {
            let err = write_rows(&mut Full(writes), &tying).unwrap_err();
            assert_eq!(err.to_string(), "disk full");
        }
    }
}
