//! libFuzzer target: arbitrary bytes as instance JSON; valid small instances are designed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paramshare::design::{design_layer, DesignOptions, Method};
use paramshare::instance::Instance;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(inst) = Instance::from_json_str(text) else {
        return;
    };
    if inst.input_size * inst.output_size > 4096 {
        return;
    }
    let action = inst.action();
    let _ = design_layer(&inst, &action, &DesignOptions::new(Method::Dense));
});
