use std::path::PathBuf;

/// `../shared/reference/events`, or `None` with a notice when it is absent.
pub fn shared_events() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/events");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("notice: ../shared/reference/events is absent; skipping this test");
        None
    }
}

pub fn petrarch_dictionaries(dir: &std::path::Path) -> demarche_events::coder::Dictionaries {
    demarche_events::coder::Dictionaries::from_dir(&dir.join("petrarch2-dictionaries")).expect("dictionaries read")
}
