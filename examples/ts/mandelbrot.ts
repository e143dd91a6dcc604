// Sums Mandelbrot escape iterations over a width x height grid of the
// region [-2, 1] x [-1.5, 1.5] (benchmark kernel).
export function mandelbrot(width: i32, height: i32, maxIter: i32): i32 {
  let total = 0;
  for (let py = 0; py < height; py++) {
    const y0 = (py as f64) * 3.0 / (height as f64) - 1.5;
    for (let px = 0; px < width; px++) {
      const x0 = (px as f64) * 3.0 / (width as f64) - 2.0;
      let x = 0.0;
      let y = 0.0;
      let i = 0;
      while (i < maxIter && x * x + y * y <= 4.0) {
        const xt = x * x - y * y + x0;
        y = 2.0 * x * y + y0;
        x = xt;
        i++;
      }
      total += i;
    }
  }
  return total;
}
