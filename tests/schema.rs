//! The files generated from the options table (`src/core/options/schema.rs`) are current:
//! `pkg-template/schema.js` (what the JavaScript reads) and the `WsGuardOptions` lines of
//! `pkg-template/raw.d.ts`; and `docs/options.md` has a row for every option. A stale file
//! fails with the command that regenerates it:
//! `WSGUARD_WRITE_SCHEMA=1 cargo test -p wsguard --test schema`.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::PathBuf;

use wsguard::core::options::{OptionName, Shape};

const REGENERATE: &str = "WSGUARD_WRITE_SCHEMA=1 cargo test -p wsguard --test schema";
const DTS_START: &str = "  // <generated from src/core/options/schema.rs>\n";
const DTS_END: &str = "  // </generated>\n";

fn path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The JS spelling of a Rust name: `heartbeat.interval_ms` → `heartbeat.intervalMs`.
fn js_name(rust: &str) -> String {
    let mut name = String::new();
    let mut upper = false;
    for c in rust.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                name.push(c.to_ascii_uppercase());
                upper = false;
            }
            c => name.push(c),
        }
    }
    name
}

fn render_js() -> String {
    let mut out = String::from(
        "// The options table, generated from src/core/options/schema.rs by tests/schema.rs: do not edit.\n\
         // To regenerate: WSGUARD_WRITE_SCHEMA=1 cargo test -p wsguard --test schema\n\
         /**\n \
         * Each option as arguments.js reads it: [JS name, shape, list limit]. Its position here is its\n \
         * index in the core's table, which names it to the WebAssembly (`optionNumber(index, value)`).\n \
         * Shapes: \"number\", \"text\", \"flag\"; \"section\" (an object of the options named\n \
         * \"<section>.<field>\", or false); \"texts\" and \"numbers\" (lists of at most `limit` items).\n \
         * @type {ReadonlyArray<[string, string, number?]>}\n \
         */\n\
         export const OPTIONS = [\n",
    );
    for option in OptionName::ALL {
        let limit = match option.shape() {
            Shape::Texts(limit) | Shape::Numbers(limit) => format!(", {limit}"),
            _ => String::new(),
        };
        out += &format!(
            "  [\"{}\", \"{}\"{limit}],\n",
            js_name(option.as_str()),
            option.shape().as_str()
        );
    }
    out + "];\n"
}

fn render_dts() -> String {
    let mut out = String::from(DTS_START);
    for option in OptionName::ALL {
        let name = option.as_str();
        if name.contains('.') {
            continue;
        }
        out += &format!(
            "  /** {} */\n  {}?: {};\n",
            option.description(),
            js_name(name),
            option.typescript()
        );
    }
    out + DTS_END
}

/// `current` is what `relative` holds; `expected` what it must hold. Writes it when asked.
fn check(relative: &str, current: &str, expected: &str) {
    if current == expected {
        return;
    }
    if std::env::var_os("WSGUARD_WRITE_SCHEMA").is_some() {
        fs::write(path(relative), expected).unwrap();
        return;
    }
    panic!("{relative} is stale (the options table changed); run: {REGENERATE}");
}

#[test]
fn schema_js_is_generated_from_the_table() {
    let relative = "pkg-template/schema.js";
    let current = fs::read_to_string(path(relative)).unwrap_or_default();
    check(relative, &current, &render_js());
}

#[test]
fn raw_dts_options_are_generated_from_the_table() {
    let relative = "pkg-template/raw.d.ts";
    let current = fs::read_to_string(path(relative)).unwrap();
    let start = current.find(DTS_START).expect("raw.d.ts: the start marker");
    let end = current.find(DTS_END).expect("raw.d.ts: the end marker") + DTS_END.len();
    let expected = format!("{}{}{}", &current[..start], render_dts(), &current[end..]);
    check(relative, &current, &expected);
}

#[test]
fn docs_have_a_row_for_every_option() {
    let docs = fs::read_to_string(path("docs/options.md")).unwrap();
    for option in OptionName::ALL {
        let name = js_name(option.as_str());
        let found = match name.split_once('.') {
            // A section's fields are described in its row.
            Some((section, field)) => docs
                .lines()
                .any(|line| line.starts_with(&format!("| `{section}` |")) && line.contains(field)),
            None => docs.contains(&format!("| `{name}` |")),
        };
        assert!(found, "docs/options.md: no row for `{name}`");
    }
}

#[test]
fn js_names_are_distinct_and_camel_case() {
    let names: Vec<String> = OptionName::ALL
        .iter()
        .map(|option| js_name(option.as_str()))
        .collect();
    assert_eq!(js_name("heartbeat.interval_ms"), "heartbeat.intervalMs");
    for (index, name) in names.iter().enumerate() {
        assert!(!name.contains('_'), "{name}");
        assert!(!names[..index].contains(name), "{name} twice");
    }
}
