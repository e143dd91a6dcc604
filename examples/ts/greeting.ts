// A plugin in the TypeScript subset: strings in and out through the guest
// ABI (its `echelon:abi` section says `greet(name: string) -> string`), and a
// host call. Run it with
//   echelon run examples/ts/greeting.ts --invoke greet "Ada Lovelace"
// or upload it to `echelon serve` and call it over HTTP with a string.

@external("echelon", "log")
declare function log(level: i32, message: string): void;

let greeted: i32 = 0;

export function greet(name: string): string {
  greeted++;
  const space = name.indexOf(" ");
  const first = space < 0 ? name : name.substring(0, space);
  let vowels = 0;
  for (let i = 0; i < name.length; i++) {
    switch (name.charCodeAt(i) | 32) {
      case 97: case 101: case 105: case 111: case 117:
        vowels++;
    }
  }
  log(1, `greeting #${greeted}: ${name}`);
  return `Hello, ${first.toUpperCase()}! "${name}" has ${name.length} UTF-16 units and ${vowels} vowels.`;
}
