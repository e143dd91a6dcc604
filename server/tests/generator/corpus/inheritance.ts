// Inheritance: fields and methods inherited, `super(...)` and
// `super.method()`, overriding with dispatch on the instance's class, an
// instance passed where its base class is expected, and collections while
// derived objects hold strings.
class Shape {
  name: string;
  sides: i32 = 0;
  constructor(name: string) {
    this.name = name;
  }
  area(): f64 {
    return 0;
  }
  describe(): string {
    return this.name + ":" + this.sides.toString();
  }
  scaled(k: f64): f64 {
    return this.area() * k;
  }
}

class Rect extends Shape {
  w: f64;
  h: f64;
  constructor(w: f64, h: f64) {
    super("rect");
    this.w = w;
    this.h = h;
    this.sides = 4;
  }
  area(): f64 {
    return this.w * this.h;
  }
}

class Square extends Rect {
  label: string = "sq";
  constructor(s: f64) {
    super(s, s);
    this.name = "square";
  }
  describe(): string {
    return super.describe() + "/" + this.label;
  }
}

class Circle extends Shape {
  r: f64 = 1;
  area(): f64 {
    return 3 * this.r * this.r;
  }
}

function total(shapes: Shape[]): f64 {
  let t: f64 = 0;
  for (let i = 0; i < shapes.length; i++) {
    t += shapes[i].area();
  }
  return t;
}

function describe_all(s: Shape): i32 {
  return s.describe().length;
}

export function dispatch(): f64 {
  let shapes: Shape[] = [];
  shapes.push(new Shape("blob"));
  shapes.push(new Rect(2, 3));
  shapes.push(new Square(4));
  let c = new Circle("circle");
  c.r = 2;
  shapes.push(c);
  return total(shapes) * 1000 + shapes[2].scaled(0.5);
}

export function names(): i32 {
  let sq = new Square(3);
  let r: Rect = sq;
  let s: Shape = r;
  return describe_all(s) * 10000 + describe_all(new Rect(1, 1)) * 100 + describe_all(new Circle("c")) + sq.sides * 1000000;
}

export function fields(): f64 {
  let sq = new Square(5);
  return sq.w + sq.h * 10 + (sq.label.length as f64) * 100 + (sq.name.length as f64) * 1000;
}

export function survives_collection(): i32 {
  let all: Shape[] = [];
  for (let i = 0; i < 3000; i++) {
    let sq = new Square(i as f64);
    sq.label = `sq${i}`;
    all.push(sq);
    let junk = "";
    for (let k = 0; k < 10; k++) junk = junk + sq.describe();
  }
  let h = 0;
  for (let i = 0; i < all.length; i++) h = h * 31 + all[i].describe().length;
  return h;
}
