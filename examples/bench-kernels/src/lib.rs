//! Benchmark kernels, written like the TypeScript versions (i32 where they use
//! i32, f64 where they use f64, the same SplitMix64 for `Math.random`).
#![no_std]

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// Recursive Fibonacci.
#[no_mangle]
pub extern "C" fn fibonacci(n: i32) -> i32 {
    if n <= 1 {
        return n;
    }
    fibonacci(n - 1).wrapping_add(fibonacci(n - 2))
}

fn is_prime(n: i32) -> bool {
    if n < 2 {
        return false;
    }
    if n % 2 == 0 {
        return n == 2;
    }
    let mut d = 3;
    while d * d <= n {
        if n % d == 0 {
            return false;
        }
        d += 2;
    }
    true
}

/// Primes below `limit` by trial division.
#[no_mangle]
pub extern "C" fn countPrimes(limit: i32) -> i32 {
    let mut count = 0;
    let mut n = 2;
    while n < limit {
        if is_prime(n) {
            count += 1;
        }
        n += 1;
    }
    count
}

static mut STATE: u64 = 0x2545_F491_4F6C_DD1D;

fn random() -> f64 {
    // SAFETY: wasm32 without threads: a single thread uses the state.
    let s = unsafe {
        STATE = STATE.wrapping_add(0x9E37_79B9_7F4A_7C15);
        STATE
    };
    let mut z = s;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// The spec's Monte Carlo estimate of pi.
#[no_mangle]
pub extern "C" fn monteCarloPI(iterations: i32) -> f64 {
    let mut inside: i32 = 0;
    let mut i = 0;
    while i < iterations {
        let x = random();
        let y = random();
        if x * x + y * y <= 1.0 {
            inside += 1;
        }
        i += 1;
    }
    4.0 * inside as f64 / iterations as f64
}

/// Sum of Mandelbrot escape iterations over a grid of [-2, 1] x [-1.5, 1.5].
#[no_mangle]
pub extern "C" fn mandelbrot(width: i32, height: i32, max_iter: i32) -> i32 {
    let mut total = 0i32;
    for py in 0..height {
        let y0 = py as f64 * 3.0 / height as f64 - 1.5;
        for px in 0..width {
            let x0 = px as f64 * 3.0 / width as f64 - 2.0;
            let (mut x, mut y, mut i) = (0.0f64, 0.0f64, 0i32);
            while i < max_iter && x * x + y * y <= 4.0 {
                let xt = x * x - y * y + x0;
                y = 2.0 * x * y + y0;
                x = xt;
                i += 1;
            }
            total = total.wrapping_add(i);
        }
    }
    total
}
