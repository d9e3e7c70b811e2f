//! The shared config and credentials file parser, `ProfileSet::parse(config, credentials)`: the
//! input is split at the first `0xFF` byte (never in UTF-8) into the two files, each read lossily
//! as UTF-8. No panic, and every profile it lists can be looked up.
#![no_main]

use bedrock_wire::credentials::profile::ProfileSet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (config, credentials) = match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let config = String::from_utf8_lossy(config);
    let credentials = String::from_utf8_lossy(credentials);
    let set = ProfileSet::parse(&config, &credentials);
    let names: Vec<String> = set.names().map(str::to_owned).collect();
    for name in &names {
        assert!(
            set.profile(name).is_some(),
            "listed profile {name:?} not found"
        );
        for key in [
            "region",
            "aws_access_key_id",
            "sso_session",
            "source_profile",
            "credential_process",
        ] {
            let _ = set.get(name, key);
        }
        let _ = set.sso_session(name);
    }
    let _ = set.get("default", "region");
});
