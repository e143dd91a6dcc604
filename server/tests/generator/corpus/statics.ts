// Static fields and methods: module variables and functions reached
// through the class's name.
class Counter {
  static created: i32 = 0;
  static label: string = "counter";
  static scale: f64;
  value: i32;
  constructor(value: i32) {
    this.value = value;
    Counter.created++;
  }
  static make(v: i32): Counter {
    return new Counter(v * 2);
  }
  static describe(): string {
    return Counter.label + ":" + Counter.created.toString();
  }
  twice(): i32 {
    return this.value * Counter.created;
  }
}

class Registry {
  static names: string[] = [];
  static add(name: string): i32 {
    Registry.names.push(name);
    return Registry.names.length;
  }
}

export function statics(): i32 {
  let a = new Counter(1);
  let b = Counter.make(5);
  Counter.created += 10;
  Counter.scale = 2.5;
  return a.value + b.value * 100 + Counter.created * 10000 + b.twice() + (Counter.scale * 2) as i32;
}

export function static_strings(): i32 {
  Counter.label = "c";
  let s = Counter.describe();
  Registry.add("x");
  Registry.add(s);
  return s.length * 100 + Registry.names.length + Registry.names[1].length * 1000;
}
