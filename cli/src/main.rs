//! The `bedrock-wire` command.

fn main() {
    println!("bedrock-wire {}", env!("CARGO_PKG_VERSION"));
}
