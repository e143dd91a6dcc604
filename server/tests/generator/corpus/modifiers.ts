// Member modifiers and accessors as AssemblyScript 0.28 accepts them:
// `public`, `private`, `protected` and `readonly` on fields, methods and
// constructor parameters (parameter properties), `static readonly`, and
// `get`/`set` accessors, inherited and overridden.
class Account {
  private balance: i64 = 0;
  protected history: i32 = 0;
  public readonly id: i32;
  readonly kind: i32 = 7;
  static readonly LIMIT: i64 = 1000000;
  private static created: i32 = 0;
  private static base: i64 = 40;
  static readonly START: i64 = Account.base + 2;

  constructor(id: i32, private owner: string, public readonly rate: f64) {
    this.id = id;
    Account.created++;
  }

  get total(): i64 {
    return this.balance;
  }

  set total(v: i64) {
    this.balance = v > Account.LIMIT ? Account.LIMIT : v;
    this.record();
  }

  get name(): string {
    return this.owner;
  }

  private record(): void {
    this.history++;
  }

  public deposit(n: i64): void {
    this.total = this.total + n;
  }

  protected fee(): i64 {
    return 1;
  }

  protected raw(): i64 {
    return this.balance;
  }

  static count(): i32 {
    return Account.created;
  }
}

class Savings extends Account {
  constructor(id: i32, owner: string, protected bonus: i64) {
    super(id, owner, 0.5);
  }

  get total(): i64 {
    return super.total + this.bonus;
  }

  protected fee(): i64 {
    return 2;
  }

  charges(): i64 {
    return this.fee() * 100 + this.history + this.raw() * 10000;
  }
}

class Point {
  constructor(public x: f64, public y: f64) {}
  get length(): f64 {
    return Math.sqrt(this.x * this.x + this.y * this.y);
  }
  set length(v: f64) {
    let k = v / this.length;
    this.x *= k;
    this.y *= k;
  }
}

export function accessors(): i64 {
  let a = new Account(3, "ada", 0.25);
  a.deposit(40);
  a.total = a.total + 2;
  a.total += 100;
  a.total = 5000000;
  return a.total * 1000 + a.id * 100 + a.kind * 10 + ((a.rate * 4) as i64);
}

export function names(): i32 {
  let before = Account.count();
  let a = new Account(1, "grace", 1.0);
  return a.name.length * 10 + Account.count() - before;
}

export function inherited(): i64 {
  let s = new Savings(9, "lin", 5);
  s.deposit(10);
  let base: Account = s;
  return s.total * 100000 + base.total * 1000 + s.charges() + s.id;
}

export function point(): f64 {
  let p = new Point(3, 4);
  let before = p.length;
  p.length = 10;
  return before * 1000 + p.x * 10 + p.y;
}

export function statics(): i64 {
  let before = Account.count();
  new Account(2, "x", 0);
  new Savings(3, "y", 1);
  return Account.LIMIT + Account.count() - before + Account.START * 10;
}
