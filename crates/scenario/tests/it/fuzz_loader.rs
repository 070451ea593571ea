//! Thousands of malformed and random inputs through the loader: no panic, and
//! every failure is a clear, located error.

use demarche_scenario::{load_str, Format};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const TOML_SEED: &str = include_str!("../../../cli/tests/fixtures/three-party.toml");
const BDM_SEED: &str =
    "Actor,Capability,Position,Salience\nNetherlands,0.08,4,0.8\nBelgium,0.08,7,0.4\nFrance,0.16,10,0.6\n";
const KTAB_CSV_SEED: &str = "Demo,\"A test\",3,2,\nActor,Description,Power,Pstn1,Sal1,Pstn2,Sal2,\nA, a, 10, 20, 30, 40, 50,\nB, b, 20, 60, 40, 10, 20,\nC, c, 30, 80, 10, 70, 60,\n";
const KTAB_XML_SEED: &str = "<?xml version=\"1.0\"?>\n<Scenario><name>D</name><desc>d</desc><Dimensions><dName>P1</dName></Dimensions>\
<Actors><Actor><name>A</name><description>a</description><capability>10</capability><Position><dCoord>20</dCoord></Position>\
<Salience><dSal>30</dSal></Salience></Actor><Actor><name>B</name><description>b</description><capability>20</capability>\
<Position><dCoord>60</dCoord></Position><Salience><dSal>40</dSal></Salience></Actor></Actors></Scenario>\n";

const TOKENS: &[&str] = &[
    "nan",
    "inf",
    "-1e309",
    "1e308",
    "=",
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    ",",
    "\"",
    "'",
    "\n",
    "\0",
    "é",
    "😀",
    "[[stances]]",
    "[[actors]]",
    "[meta]",
    "actor = \"zz\"",
    "salience = 7",
    "position = -5",
    "<",
    ">",
    "</Actor>",
    "<!DOCTYPE x [<!ENTITY a \"aaaa\">]>",
    "&a;",
    "99999999999999999999",
    "-",
    ".",
    "0x1F",
    "true",
    "null",
    ":",
    "\r\n",
    "\t",
    "#",
    "//",
    "/*",
    "red_line = [1]",
    "min = 10\nmax = 0",
    "capability = 0",
    "id = \"\"",
];

fn mutate(rng: &mut ChaCha8Rng, seed: &str) -> String {
    let mut s: Vec<char> = seed.chars().collect();
    for _ in 0..rng.random_range(1..5) {
        if s.is_empty() {
            s.extend(TOKENS[rng.random_range(0..TOKENS.len())].chars());
            continue;
        }
        let i = rng.random_range(0..s.len());
        match rng.random_range(0..7) {
            0 => {
                let j = (i + rng.random_range(1..20)).min(s.len());
                s.drain(i..j);
            }
            1 => {
                let t = TOKENS[rng.random_range(0..TOKENS.len())];
                for (k, c) in t.chars().enumerate() {
                    s.insert(i + k, c);
                }
            }
            2 => s.truncate(i),
            3 => {
                if s[i].is_ascii_digit() {
                    s[i] = char::from(b'0' + rng.random_range(0..10u8));
                } else {
                    s[i] = char::from(rng.random_range(32..127u8));
                }
            }
            4 => {
                let line: String =
                    seed.lines().nth(rng.random_range(0..seed.lines().count().max(1))).unwrap_or("").into();
                for (k, c) in format!("{line}\n").chars().enumerate() {
                    s.insert(i + k, c);
                }
            }
            5 => {
                let j = rng.random_range(0..s.len());
                s.swap(i, j);
            }
            _ => {
                let c = char::from_u32(rng.random_range(0..0x11000)).unwrap_or('?');
                s.insert(i, c);
            }
        }
    }
    s.into_iter().collect()
}

fn random_text(rng: &mut ChaCha8Rng) -> String {
    let n = rng.random_range(0..300);
    (0..n)
        .map(|_| match rng.random_range(0..4) {
            0 => TOKENS[rng.random_range(0..TOKENS.len())].to_string(),
            _ => char::from(rng.random_range(9..127u8)).to_string(),
        })
        .collect()
}

fn check_one(text: &str, format: Format, what: &str) -> bool {
    let result = std::panic::catch_unwind(|| load_str(text, Some(format), Some("fuzz")));
    let result = match result {
        Ok(r) => r,
        Err(_) => panic!("loader panicked on {what} input:\n{text:?}"),
    };
    match result {
        Ok(_) => true,
        Err(e) => {
            assert!(!e.diagnostics.is_empty(), "an error without diagnostics for {text:?}");
            let lines = text.lines().count() + 1;
            for d in e.diagnostics.iter() {
                assert!(!d.message.trim().is_empty(), "empty message for {text:?}");
                if let Some(l) = d.location {
                    assert!(l.line >= 1 && l.line <= lines + 1, "line {} out of range for {text:?}", l.line);
                }
            }
            assert!(e.diagnostics.has_errors(), "failure without an error-level diagnostic: {}", e.diagnostics);
            false
        }
    }
}

#[test]
fn thousands_of_malformed_inputs_never_panic() {
    let json_seed = {
        let sc = load_str(TOML_SEED, Some(Format::Toml), None).expect("seed loads").scenario;
        demarche_scenario::to_json(&sc)
    };
    let cases: [(&str, &str, Format); 5] = [
        ("toml", TOML_SEED, Format::Toml),
        ("json", &json_seed, Format::Json),
        ("bdm-csv", BDM_SEED, Format::BdmCsv),
        ("ktab-csv", KTAB_CSV_SEED, Format::KtabCsv),
        ("ktab-xml", KTAB_XML_SEED, Format::KtabXml),
    ];
    let mut rng = ChaCha8Rng::seed_from_u64(20251129);
    let mut total = 0;
    let mut rejected = 0;
    for (name, seed, format) in cases {
        for _ in 0..500 {
            let text = mutate(&mut rng, seed);
            rejected += usize::from(!check_one(&text, format, name));
            total += 1;
        }
        for _ in 0..100 {
            let text = random_text(&mut rng);
            rejected += usize::from(!check_one(&text, format, name));
            total += 1;
        }
    }
    assert!(total >= 3000);
    // Most mutations break something; if almost none were rejected, validation is asleep.
    assert!(rejected > total / 2, "only {rejected} of {total} malformed inputs were rejected");
}

#[test]
fn auto_detection_never_panics_on_random_bytes() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for _ in 0..500 {
        let n = rng.random_range(0..200);
        let bytes: Vec<u8> = (0..n).map(|_| rng.random()).collect();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let _ = std::panic::catch_unwind(|| load_str(&text, None, Some("x.bin")))
            .unwrap_or_else(|_| panic!("panicked on {text:?}"));
    }
}
