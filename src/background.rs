//! Work on its own thread that a stop condition can abandon (for computations that cannot be interrupted).

use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

/// How often a waiting caller polls its stop condition.
const POLL: Duration = Duration::from_millis(5);

/// Runs `work` on a new thread and waits for it, polling `stop` every 5 ms
/// (the wait ends as soon as the work does: a search asks thousands of
/// sub-millisecond questions, and sleeping a whole poll interval after each
/// made a D4 32 x 32 search 80% idle).
/// Returns `None` when `stop` turned true first (the abandoned thread
/// finishes in the background, or ends with the process), otherwise the
/// thread's result: `Err` with the payload if `work` panicked.
pub fn run_unless_stopped<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
    stop: &dyn Fn() -> bool,
) -> Option<std::thread::Result<T>> {
    let (done, finished) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        let result = work();
        // The receiver is gone only when the caller stopped waiting.
        let _ = done.send(());
        result
    });
    loop {
        match finished.recv_timeout(POLL) {
            // A panic drops the sender without sending: the thread is done either way.
            Ok(()) | Err(RecvTimeoutError::Disconnected) => return Some(worker.join()),
            Err(RecvTimeoutError::Timeout) => {
                if stop() {
                    return None;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finished_work_is_returned_and_a_stop_abandons_it() {
        assert_eq!(run_unless_stopped(|| 7, &|| false).unwrap().unwrap(), 7);
        let never_done = || std::thread::sleep(Duration::from_secs(60));
        assert!(run_unless_stopped(never_done, &|| true).is_none());
        assert!(run_unless_stopped(|| panic!("boom"), &|| false)
            .unwrap()
            .is_err());
    }
}
