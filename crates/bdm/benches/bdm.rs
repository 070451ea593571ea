//! The bdm numeric core on random one-issue scenarios of 10, 100 and 1,000
//! actors × 10 rounds (seeded ChaCha8), default settings, no dyad recording,
//! one thread. Two groups: `bdm_10_rounds` measures wall-clock time (as
//! criterion does by default), `bdm_10_rounds_cpu` the benchmark thread's CPU
//! time (`CLOCK_THREAD_CPUTIME_ID`), which other processes on a shared machine
//! do not inflate.

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use demarche_bdm::{run, BdmSettings, Inputs, Record};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Capabilities in (0, 1], positions on 0–100, saliences in [0, 1].
pub fn random_case(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let c = (0..n).map(|_| rng.random_range(0.01..1.0)).collect();
    let x = (0..n).map(|_| rng.random_range(0.0..100.0)).collect();
    let s = (0..n).map(|_| rng.random_range(0.0..1.0)).collect();
    (c, x, s)
}

fn bench_group<M: Measurement>(c: &mut Criterion<M>, name: &str) {
    let settings = BdmSettings::default();
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    for n in [10usize, 100, 1000] {
        let (cap, pos, sal) = random_case(n, 42);
        let lo = pos.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = pos.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| {
                let inputs = Inputs { capability: &cap, position: &pos, salience: &sal, scale: hi - lo };
                run(inputs, &settings, 10, Record::default()).map(|r| r.outcome.len())
            })
        });
    }
    group.finish();
}

fn wall(c: &mut Criterion) {
    bench_group(c, "bdm_10_rounds");
}

fn cpu(c: &mut Criterion<ThreadCpu>) {
    bench_group(c, "bdm_10_rounds_cpu");
}

/// The calling thread's CPU time in nanoseconds (wall-clock time where the
/// platform has no per-thread clock).
fn thread_cpu_ns() -> u64 {
    #[cfg(unix)]
    {
        let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: `ts` is a valid, writable timespec.
        if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } == 0 {
            return ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64;
        }
    }
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed().as_nanos() as u64
}

/// Criterion measurement: the benchmark thread's CPU time.
struct ThreadCpu;

impl Measurement for ThreadCpu {
    type Intermediate = u64;
    type Value = u64;
    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns().saturating_sub(start)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &Nanoseconds
    }
}

/// Nanoseconds shown as ns, µs, ms or s.
struct Nanoseconds;

impl ValueFormatter for Nanoseconds {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (divisor, unit) = if typical < 1e3 {
            (1.0, "ns")
        } else if typical < 1e6 {
            (1e3, "µs")
        } else if typical < 1e9 {
            (1e6, "ms")
        } else {
            (1e9, "s")
        };
        for v in values {
            *v /= divisor;
        }
        unit
    }
    fn scale_throughputs(&self, _typical: f64, _throughput: &Throughput, values: &mut [f64]) -> &'static str {
        // Not used by these benchmarks: report per-iteration time instead.
        for v in values {
            *v = 0.0;
        }
        "(n/a)"
    }
    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

criterion_group!(benches, wall);
criterion_group! {
    name = cpu_benches;
    config = Criterion::default().with_measurement(ThreadCpu);
    targets = cpu
}
criterion_main!(benches, cpu_benches);
