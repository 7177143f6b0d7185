//! Large buffers: asking the kernel to back them with transparent huge pages.
//!
//! A dense 64x64 image layer is a 67 MB matrix. Backed by 4 KiB pages it
//! costs 16 thousand page faults to fill and as many pages to free at
//! exit, a quarter of the whole `design --method dense` process; with 2 MiB
//! pages it is 32 faults. Linux hands out huge pages to anonymous memory
//! only where asked (`/sys/kernel/mm/transparent_hugepage/enabled` is
//! usually `madvise`), so the few buffers that size are marked here before
//! they are first written. Elsewhere, or when the kernel refuses, nothing
//! changes but the speed.

/// Below this a buffer is not worth a system call (and spans no whole huge page).
const SMALLEST: usize = 4 << 20;

/// The huge page size the advice is aligned to.
const HUGE_PAGE: usize = 2 << 20;

/// Advises the kernel to back the whole 2 MiB pages inside `buffer` with
/// huge pages. Call it before writing `buffer` (freshly allocated memory is
/// not yet backed by any page). Harmless on memory already backed.
pub fn advise_huge_pages<T>(buffer: &mut [T]) {
    let bytes = std::mem::size_of_val(buffer);
    if bytes < SMALLEST {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        let start = buffer.as_mut_ptr() as usize;
        let first = start.next_multiple_of(HUGE_PAGE);
        let end = (start + bytes) / HUGE_PAGE * HUGE_PAGE;
        if end > first {
            // SAFETY: madvise with MADV_HUGEPAGE changes no contents and no
            // permissions; the range lies inside `buffer`, which we borrow
            // mutably, and is page aligned. A refusal (EINVAL on kernels
            // without THP) only leaves the pages as they were.
            unsafe {
                libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE);
            }
        }
    }
}
