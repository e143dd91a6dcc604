//! Numeric kernels: fibonacci, factorial, primality, a seeded Monte Carlo
//! estimate of pi and a Mandelbrot renderer.

use crate::{Error, Result};

/// The largest `n` whose Fibonacci number fits in a `u64`.
pub const FIBONACCI_MAX: u32 = 93;
/// The largest `n` whose factorial fits in a `u64`.
pub const FACTORIAL_MAX: u32 = 20;

/// The `n`th Fibonacci number (`fibonacci(0) = 0`, `fibonacci(10) = 55`),
/// computed iteratively. `n > 93` overflows `u64` and is an error.
///
/// ```
/// assert_eq!(echelon_shared::compute::fibonacci(10).unwrap(), 55);
/// assert!(echelon_shared::compute::fibonacci(94).is_err());
/// ```
#[echelon_guest::export]
pub fn fibonacci(n: u32) -> Result<u64> {
    if n > FIBONACCI_MAX {
        return Err(Error::Overflow {
            what: format!("fibonacci({n})"),
            ty: "u64",
            max_input: FIBONACCI_MAX.into(),
        });
    }
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        (a, b) = (b, a.wrapping_add(b));
    }
    Ok(a)
}

/// `n!`. `n > 20` overflows `u64` and is an error.
///
/// ```
/// assert_eq!(echelon_shared::compute::factorial(5).unwrap(), 120);
/// ```
#[echelon_guest::export]
pub fn factorial(n: u32) -> Result<u64> {
    if n > FACTORIAL_MAX {
        return Err(Error::Overflow {
            what: format!("factorial({n})"),
            ty: "u64",
            max_input: FACTORIAL_MAX.into(),
        });
    }
    Ok((1..=u64::from(n)).product())
}

/// Whether `n` is prime: deterministic Miller-Rabin with the witnesses that
/// are exact for every `u64`.
///
/// ```
/// use echelon_shared::compute::is_prime;
/// assert!(is_prime(2) && is_prime(18_446_744_073_709_551_557));
/// assert!(!is_prime(1) && !is_prime(561));
/// ```
#[echelon_guest::export]
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    const SMALL: [u64; 12] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
    for p in SMALL {
        if n.is_multiple_of(p) {
            return n == p;
        }
    }
    let mut d = n - 1;
    let mut s = 0;
    while d.is_multiple_of(2) {
        d /= 2;
        s += 1;
    }
    'witness: for a in SMALL {
        let mut x = pow_mod(a, d, n);
        if x == 1 || x == n - 1 {
            continue;
        }
        for _ in 1..s {
            x = mul_mod(x, x, n);
            if x == n - 1 {
                continue 'witness;
            }
        }
        return false;
    }
    true
}

fn mul_mod(a: u64, b: u64, m: u64) -> u64 {
    ((u128::from(a) * u128::from(b)) % u128::from(m)) as u64
}

fn pow_mod(mut base: u64, mut exp: u64, m: u64) -> u64 {
    let mut acc = 1u64;
    base %= m;
    while exp > 0 {
        if exp & 1 == 1 {
            acc = mul_mod(acc, base, m);
        }
        base = mul_mod(base, base, m);
        exp >>= 1;
    }
    acc
}

/// A small, fast, seedable PRNG (SplitMix64). Deterministic for a seed on
/// every target, which is what makes server and browser results comparable.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform float in `[0, 1)` with 53 random bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// Estimates pi from `iterations` random points in the unit square, as the
/// spec's `monteCarloPI`, with a seeded generator so a given
/// `(iterations, seed)` gives the same answer everywhere.
///
/// ```
/// let pi = echelon_shared::compute::monte_carlo_pi(1_000_000, 42).unwrap();
/// assert!((pi - std::f64::consts::PI).abs() < 0.01);
/// ```
#[echelon_guest::export]
pub fn monte_carlo_pi(iterations: u32, seed: u64) -> Result<f64> {
    if iterations == 0 {
        return Err(Error::invalid("iterations", "must be at least 1"));
    }
    let mut rng = SplitMix64::new(seed);
    let mut inside = 0u32;
    for _ in 0..iterations {
        let x = rng.next_f64();
        let y = rng.next_f64();
        if x * x + y * y <= 1.0 {
            inside += 1;
        }
    }
    Ok(4.0 * f64::from(inside) / f64::from(iterations))
}

/// The region of the complex plane a Mandelbrot render shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    /// Real part of the image centre.
    pub center_x: f64,
    /// Imaginary part of the image centre.
    pub center_y: f64,
    /// Width of the image in the complex plane.
    pub width: f64,
}

impl Default for Viewport {
    /// The whole set: centre (-0.5, 0), 3.5 units wide.
    fn default() -> Self {
        Self {
            center_x: -0.5,
            center_y: 0.0,
            width: 3.5,
        }
    }
}

/// The largest `max_iterations` accepted by [`render_mandelbrot`].
pub const MANDELBROT_MAX_ITERATIONS: u32 = 100_000;

/// Renders the Mandelbrot set into a new RGBA buffer of `width x height`,
/// centred on `center_x + center_y i` and `view_width` units across (the
/// exported form of [`render_viewport`]).
///
/// ```
/// use echelon_shared::compute::render_mandelbrot;
/// let px = render_mandelbrot(8, 6, 50, -0.5, 0.0, 3.5).unwrap();
/// assert_eq!(px.len(), 8 * 6 * 4);
/// ```
#[echelon_guest::export]
pub fn render_mandelbrot(
    width: u32,
    height: u32,
    max_iterations: u32,
    center_x: f64,
    center_y: f64,
    view_width: f64,
) -> Result<Vec<u8>> {
    let view = Viewport {
        center_x,
        center_y,
        width: view_width,
    };
    render_viewport(width, height, max_iterations, view)
}

/// Renders the Mandelbrot set into a new RGBA buffer of `width x height`
/// (see [`mandelbrot_into`]).
///
/// ```
/// use echelon_shared::compute::{render_viewport, Viewport};
/// let px = render_viewport(8, 6, 50, Viewport::default()).unwrap();
/// assert_eq!(px.len(), 8 * 6 * 4);
/// ```
pub fn render_viewport(width: u32, height: u32, max_iterations: u32, view: Viewport) -> Result<Vec<u8>> {
    let len = rgba_len(width, height)?;
    let mut buf = vec![0u8; len];
    mandelbrot_into(&mut buf, width, height, max_iterations, view)?;
    Ok(buf)
}

/// Fills `buf` (RGBA, `width * height * 4` bytes) with the Mandelbrot set:
/// points in the set are black, the rest are coloured by a smooth
/// escape-time palette.
pub fn mandelbrot_into(
    buf: &mut [u8],
    width: u32,
    height: u32,
    max_iterations: u32,
    view: Viewport,
) -> Result<()> {
    let len = rgba_len(width, height)?;
    if buf.len() != len {
        return Err(Error::BufferSize {
            width,
            height,
            expected: len as u64,
            actual: buf.len(),
        });
    }
    if max_iterations == 0 || max_iterations > MANDELBROT_MAX_ITERATIONS {
        return Err(Error::invalid(
            "max_iterations",
            format!("{max_iterations} is outside 1..={MANDELBROT_MAX_ITERATIONS}"),
        ));
    }
    if !(view.width.is_finite() && view.width > 0.0 && view.center_x.is_finite() && view.center_y.is_finite())
    {
        return Err(Error::invalid("view", "centre must be finite and width positive"));
    }
    let scale = view.width / f64::from(width);
    let top = view.center_y - scale * f64::from(height) / 2.0;
    let left = view.center_x - view.width / 2.0;
    for (i, px) in buf.chunks_exact_mut(4).enumerate() {
        let x = (i as u32 % width) as f64;
        let y = (i as u32 / width) as f64;
        let (cr, ci) = (left + x * scale, top + y * scale);
        let (mut zr, mut zi) = (0.0f64, 0.0f64);
        let mut n = 0;
        while n < max_iterations && zr * zr + zi * zi <= 4.0 {
            let t = zr * zr - zi * zi + cr;
            zi = 2.0 * zr * zi + ci;
            zr = t;
            n += 1;
        }
        px.copy_from_slice(&palette(n, max_iterations));
    }
    Ok(())
}

fn palette(n: u32, max: u32) -> [u8; 4] {
    if n >= max {
        return [0, 0, 0, 255];
    }
    let t = f64::from(n) / f64::from(max);
    // Bernstein-polynomial palette: dark blue through orange to white.
    let r = (9.0 * (1.0 - t) * t * t * t * 255.0) as u8;
    let g = (15.0 * (1.0 - t) * (1.0 - t) * t * t * 255.0) as u8;
    let b = (8.5 * (1.0 - t) * (1.0 - t) * (1.0 - t) * t * 255.0) as u8;
    [r, g, b, 255]
}

fn rgba_len(width: u32, height: u32) -> Result<usize> {
    if width == 0
        || height == 0
        || width > crate::image::MAX_DIMENSION
        || height > crate::image::MAX_DIMENSION
    {
        return Err(Error::invalid(
            "width/height",
            format!(
                "{width}x{height}: each side must be in 1..={}",
                crate::image::MAX_DIMENSION
            ),
        ));
    }
    let bytes = u64::from(width) * u64::from(height) * 4;
    if bytes > crate::image::MAX_IMAGE_BYTES {
        return Err(Error::invalid(
            "width/height",
            format!("{width}x{height} is over the image size limit"),
        ));
    }
    Ok(bytes as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fibonacci_values() {
        assert_eq!(fibonacci(0).unwrap(), 0);
        assert_eq!(fibonacci(1).unwrap(), 1);
        assert_eq!(fibonacci(40).unwrap(), 102_334_155);
        assert_eq!(fibonacci(93).unwrap(), 12_200_160_415_121_876_738);
        assert!(matches!(
            fibonacci(94),
            Err(Error::Overflow { max_input: 93, .. })
        ));
    }

    #[test]
    fn factorial_values() {
        assert_eq!(factorial(0).unwrap(), 1);
        assert_eq!(factorial(20).unwrap(), 2_432_902_008_176_640_000);
        assert!(factorial(21).is_err());
    }

    #[test]
    fn primes_match_trial_division() {
        let trial = |n: u64| n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| !n.is_multiple_of(d));
        for n in 0..5000 {
            assert_eq!(is_prime(n), trial(n), "{n}");
        }
        assert!(is_prime(1_000_000_007));
        assert!(!is_prime(3_215_031_751)); // strong pseudoprime to 2, 3, 5, 7
        assert!(!is_prime(u64::MAX));
    }

    #[test]
    fn monte_carlo_is_deterministic_and_close() {
        let a = monte_carlo_pi(200_000, 7).unwrap();
        assert_eq!(a, monte_carlo_pi(200_000, 7).unwrap());
        assert_ne!(a, monte_carlo_pi(200_000, 8).unwrap());
        assert!((a - std::f64::consts::PI).abs() < 0.02, "{a}");
        assert!(monte_carlo_pi(0, 1).is_err());
    }

    #[test]
    fn mandelbrot_paints_the_set_black() {
        let px = render_viewport(35, 20, 200, Viewport::default()).unwrap();
        // The centre of the default view, (-0.5, 0), lies in the set.
        let centre = ((10 * 35 + 17) * 4) as usize;
        assert_eq!(&px[centre..centre + 4], &[0, 0, 0, 255]);
        // The top-left corner, (-2.25, -1.0), escapes immediately.
        assert_ne!(&px[0..3], &[0, 0, 0]);
        assert!(render_viewport(0, 10, 10, Viewport::default()).is_err());
        assert!(render_viewport(10, 10, 0, Viewport::default()).is_err());
        let mut short = vec![0; 10];
        assert!(mandelbrot_into(&mut short, 2, 2, 10, Viewport::default()).is_err());
        let bad = Viewport {
            width: f64::NAN,
            ..Viewport::default()
        };
        assert!(render_viewport(4, 4, 10, bad).is_err());
    }
}
