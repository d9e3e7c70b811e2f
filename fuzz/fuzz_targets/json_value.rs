//! The fast JSON document parser against serde_json on any bytes: whenever it answers, serde
//! reads the same value (and neither panics).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(v) = bedrock_wire::fuzzing::json_value(data) {
        let serde: serde_json::Value =
            serde_json::from_slice(data).expect("serde reads what the fast parser read");
        assert_eq!(v, serde);
    }
});
