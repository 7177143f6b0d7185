//! Work on its own thread that a stop condition can abandon (for computations that cannot be interrupted).

use std::time::Duration;

/// How often a waiting caller polls its stop condition.
const POLL: Duration = Duration::from_millis(5);

/// Runs `work` on a new thread and waits for it, polling `stop` every 5 ms.
/// Returns `None` when `stop` turned true first (the abandoned thread
/// finishes in the background, or ends with the process), otherwise the
/// thread's result: `Err` with the payload if `work` panicked.
pub fn run_unless_stopped<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
    stop: &dyn Fn() -> bool,
) -> Option<std::thread::Result<T>> {
    let worker = std::thread::spawn(work);
    while !worker.is_finished() {
        if stop() {
            return None;
        }
        std::thread::sleep(POLL);
    }
    Some(worker.join())
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
