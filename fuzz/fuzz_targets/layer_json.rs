//! libFuzzer target: arbitrary bytes as layer JSON; accepted layers must round-trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paramshare::layer::Layer;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(layer) = Layer::from_json_str(text) {
        let again =
            Layer::from_json_str(&layer.to_json_string()).expect("a parsed layer round-trips");
        assert_eq!(again.tying, layer.tying);
    }
});
