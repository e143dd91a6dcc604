// Classes: fields, constructors, methods, `this`, `new`.
class Point {
  x: f64;
  y: f64;
  constructor(x: f64, y: f64) {
    this.x = x;
    this.y = y;
  }
  length2(): f64 {
    return this.x * this.x + this.y * this.y;
  }
  add(o: Point): Point {
    return new Point(this.x + o.x, this.y + o.y);
  }
}

class Counter {
  count: i32 = 0;
  step: i32 = 1;
  label: string = "c";
  bump(): i32 {
    this.count += this.step;
    return this.count;
  }
}

class Node {
  value: i32;
  next: Node | null;
  constructor(value: i32, next: Node | null) {
    this.value = value;
    this.next = next;
  }
}

export function points(): f64 {
  let p = new Point(3, 4);
  let q = p.add(new Point(1, 1));
  return p.length2() * 1000 + q.length2();
}

export function counters(): i32 {
  let c = new Counter();
  c.step = 3;
  for (let i = 0; i < 10; i++) c.bump();
  c.count++;
  --c.step;
  return c.count * 100 + c.label.length;
}

export function list(): i32 {
  let head: Node | null = null;
  for (let i = 1; i <= 100; i++) {
    head = new Node(i, head);
  }
  let sum = 0;
  let n = head;
  while (n) {
    sum += n.value;
    n = n.next;
  }
  return sum;
}

export function objects_in_arrays(): f64 {
  let ps: Point[] = [];
  for (let i = 0; i < 10; i++) {
    ps.push(new Point(i, i * 2));
  }
  let s: f64 = 0;
  for (let i = 0; i < ps.length; i++) {
    s += ps[i].length2();
  }
  return s;
}
