//! With no spec directory, the generator downloads each listed version's spec
//! from the address `spec/versions.json` records, checks its SHA-256 and keeps
//! it in a cache; fixtures come from the simulator's embedded copy. A local
//! HTTP server stands in for the download host (`--download-origin`).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use stripe_sync_codegen::sources::RECORDED_ORIGIN;
use stripe_sync_codegen::{differences, generate, spec_file, Sources, Versions};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A download host: serves `files` by path, logs each request's path and
/// `Accept` header.
struct Host {
    origin: String,
    log: Arc<Mutex<Vec<(String, String)>>>,
}

impl Host {
    fn start(files: HashMap<String, Vec<u8>>) -> Host {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let seen = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                let mut accept = String::new();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap() == 0 || h == "\r\n" {
                        break;
                    }
                    if let Some((k, v)) = h.split_once(':') {
                        if k.eq_ignore_ascii_case("accept") {
                            accept = v.trim().to_string();
                        }
                    }
                }
                seen.lock().unwrap().push((path.clone(), accept));
                let (status, body) = match files.get(&path) {
                    Some(b) => ("200 OK", b.as_slice()),
                    None => ("404 Not Found", b"not found".as_slice()),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(body);
            }
        });
        Host { origin, log }
    }

    fn requests(&self) -> Vec<(String, String)> {
        self.log.lock().unwrap().clone()
    }
}

/// The recorded addresses' paths, each serving the file of the shared spec directory it names.
fn upstream() -> HashMap<String, Vec<u8>> {
    let dir = stripe_sync_embedded_pg::testing::spec_dir();
    let mut files = HashMap::new();
    for e in Versions::read(&repo()).unwrap().versions {
        let spec = spec_file(&dir, &e.version).unwrap();
        let fixtures = dir.join(&e.version).join("fixtures3.json");
        for (url, path) in [(e.spec_url, spec), (e.fixtures_url, fixtures)] {
            let url = url.expect("every listed version records its download addresses");
            let path_part = url.strip_prefix(RECORDED_ORIGIN).unwrap().to_string();
            files.insert(path_part, std::fs::read(path).unwrap());
        }
    }
    files
}

fn sources(spec_dir: &Path, cache: &Path, host: &Host) -> Sources {
    let mut s = Sources::new(spec_dir);
    s.cache_dir = cache.to_path_buf();
    s.origin = Some(host.origin.clone());
    s
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "stripe-sync-download-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn a_clone_without_specs_downloads_them_checks_them_and_reproduces_the_committed_output() {
    let root = repo();
    let versions = Versions::read(&root).unwrap().versions;
    let host = Host::start(upstream());
    let empty = temp("empty");
    let cache = temp("cache");
    let s = sources(&empty.join("absent"), &cache, &host);

    let output = generate(&root, &s).expect("generate downloads what is missing");
    assert_eq!(
        differences(&root, &output, true).unwrap(),
        Vec::<PathBuf>::new(),
        "the downloaded specs give the committed output"
    );
    let requests = host.requests();
    let spec_paths: Vec<String> = versions
        .iter()
        .map(|e| {
            e.spec_url
                .as_deref()
                .unwrap()
                .strip_prefix(RECORDED_ORIGIN)
                .unwrap()
                .to_string()
        })
        .collect();
    let mut asked: Vec<String> = requests.iter().map(|(p, _)| p.clone()).collect();
    asked.sort();
    let mut want = spec_paths.clone();
    want.sort();
    assert_eq!(
        asked, want,
        "one request per spec; fixtures come from the simulator's embedded copy"
    );
    assert!(
        requests
            .iter()
            .all(|(_, accept)| accept == "application/vnd.github.raw+json"),
        "GitHub's blob API is asked for the raw file: {requests:?}"
    );
    for e in &versions {
        let kept = spec_file(&cache, &e.version).expect("the spec is kept in the cache");
        assert!(!kept.with_extension("part").exists());
    }

    // Gathered into one directory (what `.ci/run` exports as STRIPE_OPENAPI_DIR),
    // from the cache and the embedded fixtures, with no further request.
    let dir = s.gather(&root, &versions).unwrap();
    assert_eq!(dir, cache);
    for e in &versions {
        stripe_sync_codegen::load(&dir, &e.version, Some(e)).expect("the gathered files check out");
    }
    assert_eq!(host.requests().len(), spec_paths.len(), "the cache is used");
    let _ = std::fs::remove_dir_all(&empty);
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn a_download_that_fails_its_checksum_is_not_kept_and_says_so() {
    let root = repo();
    let entry = Versions::read(&root).unwrap().versions.remove(0);
    let path = entry
        .spec_url
        .as_deref()
        .unwrap()
        .strip_prefix(RECORDED_ORIGIN)
        .unwrap()
        .to_string();
    let mut files = upstream();
    files
        .get_mut(&path)
        .unwrap()
        .extend_from_slice(b"\n# tampered\n");
    let host = Host::start(files);
    let cache = temp("tampered");
    let s = sources(&cache.join("absent"), &cache, &host);

    let err = format!("{:#}", s.locate(&root, &entry).unwrap_err());
    assert!(
        err.contains("does not match the checksum in spec/versions.json")
            && err.contains(&entry.spec_sha256)
            && err.contains("it was not kept"),
        "{err}"
    );
    assert!(
        std::fs::read_dir(cache.join(&entry.version))
            .unwrap()
            .next()
            .is_none(),
        "nothing is left in the cache"
    );

    // A host that has nothing: the error says where else the files may come from.
    let host = Host::start(HashMap::new());
    let s = sources(&cache.join("absent"), &cache, &host);
    let err = format!("{:#}", s.locate(&root, &entry).unwrap_err());
    assert!(
        err.contains("pass --spec-dir (or set STRIPE_OPENAPI_DIR)") && err.contains("404"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&cache);
}
