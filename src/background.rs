//! Work on its own thread that a stop condition can abandon, and that then ends at its next cancellation checkpoint.
//!
//! The long computations of this crate (Schreier-Sims, the automorphism
//! search, the connectivity bound) take no stop condition: threading one
//! through every signature would put a `Result` on every group operation. A
//! caller that must honour `--time-limit` runs them through
//! [`run_unless_stopped`], which stops waiting as soon as its stop condition
//! holds. The abandoned thread used to compute on to the end (a pooling
//! layer's chain: 23 s), holding a core and its memory that a `batch` run
//! needed for its next rows.
//!
//! Cancellation is cooperative, by unwinding. Each worker thread has a
//! cancellation flag in a thread-local, set by the caller when it stops
//! waiting. The long loops call [`checkpoint`] now and then (per orbit point
//! of Sims' check, sifted random element, search-tree node, 2^16 edges of
//! refinement, point stabiliser of the connectivity bound, ...: steps of
//! thousands of instructions, so one thread-local read and one relaxed load
//! cost nothing measurable); on a cancelled worker it unwinds with a private
//! payload (`resume_unwind`, so the panic hook prints nothing) that the
//! thread's wrapper catches, and the thread ends, dropping what the work held.
//!
//! Why unwinding is sound here:
//! - The checkpoint unwinds only on a thread started by
//!   [`run_unless_stopped`] whose caller has stopped waiting. Everywhere else
//!   (the main thread, rayon's threads, a worker whose caller still waits) it
//!   is one load and a branch. In particular a worker's rayon jobs never
//!   unwind: rayon's threads have no flag. That costs little, because the
//!   parallel parts of the work are single linear passes (the orbit table,
//!   row hashes); the worker checks again when they return.
//! - Nothing the work touches is left half-built for anyone else: the
//!   closures own clones of their inputs, and what they share with the caller
//!   is read-only (`Arc`ed generators and chains). A `OnceLock` whose
//!   initialiser unwinds stays empty, not poisoned. The work takes no locks.
//! - The result of a cancelled worker is never read: its caller returned
//!   `None` before setting the flag.
//! - Built with `panic = "abort"` an unwind would abort the process, so there
//!   the checkpoint does nothing and abandoned work runs to its end as before.

use std::cell::OnceCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::Arc;
use std::time::Duration;

/// How often a waiting caller polls its stop condition.
const POLL: Duration = Duration::from_millis(5);

thread_local! {
    /// The cancellation flag of the worker running on this thread; empty on
    /// every thread that [`run_unless_stopped`] did not start.
    static CANCEL: OnceCell<Arc<AtomicBool>> = const { OnceCell::new() };
}

/// The unwinding payload of a cancelled worker (private: no other code can
/// raise or catch it by mistake).
struct Cancelled;

/// Whether this thread is a worker whose caller stopped waiting for it.
#[cfg_attr(not(panic = "unwind"), allow(dead_code))]
fn cancelled_here() -> bool {
    CANCEL
        .try_with(|flag| flag.get().is_some_and(|f| f.load(Ordering::Relaxed)))
        // The thread-local is gone only while the thread exits.
        .unwrap_or(false)
}

/// Ends the current computation if it runs on a worker of
/// [`run_unless_stopped`] that its caller has abandoned, by unwinding to the
/// worker's wrapper; does nothing otherwise (on any other thread, and when
/// built with `panic = "abort"`). Call it between steps of a long loop whose
/// partial state nobody else can see: this crate's long computations do, and
/// work of your own passed to [`run_unless_stopped`] may.
#[inline]
pub fn checkpoint() {
    #[cfg(panic = "unwind")]
    if cancelled_here() {
        std::panic::resume_unwind(Box::new(Cancelled));
    }
}

/// How a worker thread ended.
enum Ending<T> {
    /// The work returned, or panicked (with the payload).
    Finished(std::thread::Result<T>),
    /// The work unwound from a [`checkpoint`] after its caller stopped waiting.
    Cancelled,
}

/// Sets the worker's flag when the caller stops waiting, by returning or by
/// unwinding (a cancelled worker waiting for a nested one cancels it too).
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        // Setting it for a worker that has finished changes nothing.
        self.0.store(true, Ordering::Relaxed);
    }
}

/// A worker that [`run_unless_stopped`] stopped waiting for (test
/// scaffolding, feature `internal-testing`): it can be waited for.
#[cfg(any(test, feature = "internal-testing"))]
pub struct Abandoned {
    ended: std::sync::mpsc::Receiver<bool>,
}

#[cfg(any(test, feature = "internal-testing"))]
impl Abandoned {
    /// Waits at most `timeout` for the abandoned worker to end. Returns
    /// `Some(true)` if it ended at a [`checkpoint`] (it was cancelled),
    /// `Some(false)` if its work ran to the end (returned or panicked), and
    /// `None` if it was still running after `timeout`.
    pub fn wait(&self, timeout: Duration) -> Option<bool> {
        self.ended.recv_timeout(timeout).ok()
    }
}

/// Runs `work` on a new thread and waits for it, polling `stop` every 5 ms
/// (the wait ends as soon as the work does: a search asks thousands of
/// sub-millisecond questions, and sleeping a whole poll interval after each
/// made a D4 32 x 32 search 80% idle).
/// Returns `None` when `stop` turned true first, otherwise the thread's
/// result: `Err` with the payload if `work` panicked.
///
/// On `None` the thread is cancelled: it ends at the next [`checkpoint`] in
/// this crate's code that it reaches (module docs), unwinding `work` (its
/// values are dropped; a lock it holds would be poisoned). Work without
/// checkpoints runs to its end in the background, or ends with the process.
pub fn run_unless_stopped<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
    stop: &dyn Fn() -> bool,
) -> Option<std::thread::Result<T>> {
    run_observed(work, stop, |_| {}).ok()
}

/// [`run_unless_stopped`] that hands back the abandoned worker (test
/// scaffolding, feature `internal-testing`), so that a test can see it end.
#[cfg(any(test, feature = "internal-testing"))]
pub fn run_unless_stopped_observed<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
    stop: &dyn Fn() -> bool,
) -> Result<std::thread::Result<T>, Abandoned> {
    let (tell, ended) = std::sync::mpsc::channel();
    run_observed(work, stop, move |cancelled| {
        let _ = tell.send(cancelled);
    })
    .map_err(|()| Abandoned { ended })
}

/// [`run_unless_stopped`], calling `ended` on the worker thread when an
/// abandoned worker ends (with whether it ended cancelled); `Err` when `stop`
/// turned true first.
fn run_observed<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
    stop: &dyn Fn() -> bool,
    ended: impl FnOnce(bool) + Send + 'static,
) -> Result<std::thread::Result<T>, ()> {
    let (done, finished) = std::sync::mpsc::channel();
    let flag = Arc::new(AtomicBool::new(false));
    let worker_flag = Arc::clone(&flag);
    let worker = std::thread::spawn(move || {
        CANCEL.with(|cell| {
            // The thread is new, so its cell is empty and this sets it.
            let _ = cell.set(worker_flag);
        });
        // Unwind safety: `work` is consumed here and its state is dropped
        // by the unwind; only a `Cancelled` unwind is kept from its caller,
        // who has stopped waiting (module docs).
        let ending = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
            Err(payload) if payload.is::<Cancelled>() => Ending::Cancelled,
            result => Ending::Finished(result),
        };
        // The receiver is gone only when the caller stopped waiting.
        if done.send(()).is_err() {
            ended(matches!(ending, Ending::Cancelled));
        }
        ending
    });
    let _cancel = CancelOnDrop(flag);
    loop {
        match finished.recv_timeout(POLL) {
            // The worker catches every unwind of the work and always sends
            // before it ends; a disconnect without a send is a panic outside
            // the work (in the channel), which `join` returns.
            Ok(()) | Err(RecvTimeoutError::Disconnected) => {
                return Ok(match worker.join() {
                    Ok(Ending::Finished(result)) => result,
                    // `Cancelled` unwinds only after the flag is set, which
                    // happens only once this caller has stopped waiting.
                    Ok(Ending::Cancelled) => unreachable!("a worker was cancelled while awaited"),
                    Err(payload) => Err(payload),
                });
            }
            Err(RecvTimeoutError::Timeout) => {
                // A cancelled worker waiting for a nested one ends here
                // (and `_cancel` cancels the nested one as it unwinds).
                checkpoint();
                if stop() {
                    return Err(());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn finished_work_is_returned_and_a_stop_abandons_it() {
        assert_eq!(run_unless_stopped(|| 7, &|| false).unwrap().unwrap(), 7);
        let never_done = || std::thread::sleep(Duration::from_secs(60));
        assert!(run_unless_stopped(never_done, &|| true).is_none());
        assert!(run_unless_stopped(|| panic!("boom"), &|| false)
            .unwrap()
            .is_err());
    }

    /// A loop that would run for an hour, with a checkpoint per step.
    fn an_hour_of_steps() -> u64 {
        let start = Instant::now();
        let mut steps = 0u64;
        while start.elapsed() < Duration::from_secs(3600) {
            checkpoint();
            std::thread::sleep(Duration::from_millis(1));
            steps += 1;
        }
        steps
    }

    #[test]
    fn an_abandoned_worker_ends_at_its_next_checkpoint() {
        let start = Instant::now();
        let stop = || start.elapsed() > Duration::from_millis(50);
        let abandoned = run_unless_stopped_observed(an_hour_of_steps, &stop)
            .expect_err("the hour-long loop was abandoned");
        assert_eq!(abandoned.wait(Duration::from_secs(30)), Some(true));
    }

    #[test]
    fn a_checkpoint_outside_an_abandoned_worker_does_nothing() {
        // On this (test) thread, and on a worker that is awaited.
        checkpoint();
        let awaited = run_unless_stopped(
            || {
                checkpoint();
                1
            },
            &|| false,
        );
        assert_eq!(awaited.unwrap().unwrap(), 1);
    }

    #[test]
    fn the_rayon_jobs_of_a_cancelled_worker_do_not_unwind() {
        let (tell, told) = std::sync::mpsc::channel();
        let work = move || {
            while !cancelled_here() {
                std::thread::sleep(Duration::from_millis(1));
            }
            // The worker is not one of rayon's threads, so both halves run
            // there; had one unwound, `join` would unwind here too.
            rayon::join(checkpoint, checkpoint);
            let _ = tell.send(());
            checkpoint();
        };
        let abandoned = run_unless_stopped_observed(work, &|| true)
            .expect_err("a stop that always holds abandons the work");
        assert_eq!(abandoned.wait(Duration::from_secs(30)), Some(true));
        assert!(told.try_recv().is_ok());
    }

    #[test]
    fn a_panic_is_returned_not_taken_for_a_cancellation() {
        let start = Instant::now();
        let stop = || start.elapsed() > Duration::from_secs(600);
        let joined = run_unless_stopped_observed(|| -> u32 { panic!("boom") }, &stop);
        assert!(matches!(joined, Ok(Err(_))));
    }

    #[test]
    fn a_cancelled_worker_cancels_the_worker_it_waits_for() {
        /// Reports when the work holding it ends, by returning or unwinding.
        struct Report(std::sync::mpsc::Sender<()>);
        impl Drop for Report {
            fn drop(&mut self) {
                let _ = self.0.send(());
            }
        }
        let (tell, inner_ended) = std::sync::mpsc::channel();
        // The outer worker only waits, never stopping by itself, for an
        // hour-long inner one.
        let outer = move || {
            let inner = move || {
                let _report = Report(tell);
                an_hour_of_steps()
            };
            run_unless_stopped(inner, &|| false)
        };
        let start = Instant::now();
        let stop = || start.elapsed() > Duration::from_millis(50);
        let abandoned =
            run_unless_stopped_observed(outer, &stop).expect_err("the outer worker was abandoned");
        assert_eq!(abandoned.wait(Duration::from_secs(30)), Some(true));
        assert!(inner_ended.recv_timeout(Duration::from_secs(30)).is_ok());
    }
}
