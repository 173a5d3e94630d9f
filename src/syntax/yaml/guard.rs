//! The parts of the meaning guard that know YAML but no schema: every line
//! outside the replaced ranges survives in order, and a value an edit may
//! only add to still holds everything it held. What each kind of file may
//! change (Compose: the keys a rule owns) is decided by its driver.

use serde_json::Value;

use crate::edit::Edit;
use crate::source::Span;

/// Checks that every line of `old` that no edit replaces is still in `new`,
/// in order. Insertions at a line start replace nothing.
pub fn lines_kept<'e>(
    old: &str,
    new: &str,
    edits: impl Iterator<Item = &'e Edit>,
) -> Result<(), String> {
    let at_line_start =
        |offset: usize| offset == 0 || old.as_bytes().get(offset - 1) == Some(&b'\n');
    let mut replaced: Vec<Span> = edits
        .filter(|e| !e.range.is_empty() || !at_line_start(e.range.start))
        .map(|e| e.range.start..e.range.end.max(e.range.start + 1))
        .collect();
    replaced.sort_by_key(|r| r.start);
    // The furthest end of the ranges starting before each one: a line
    // overlaps a range when one of those starting before its end reaches past its start.
    let mut reach = Vec::with_capacity(replaced.len());
    let mut furthest = 0;
    for range in &replaced {
        furthest = furthest.max(range.end);
        reach.push(furthest);
    }
    let mut new_lines = new.lines();
    let mut offset = 0;
    for line in old.split_inclusive('\n') {
        let range = offset..offset + line.len();
        offset += line.len();
        let before_end = replaced.partition_point(|r| r.start < range.end);
        let overlaps = before_end > 0 && reach[before_end - 1] > range.start;
        if overlaps {
            continue;
        }
        let kept = line.trim_end_matches(['\r', '\n']);
        if !new_lines.any(|l| l.trim_end_matches('\r') == kept) {
            return Err("an original line would be lost or moved".into());
        }
    }
    Ok(())
}

/// Whether `old` is contained in `new`: every key and item of `old` is there.
pub fn contained(old: &Value, new: &Value) -> bool {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => a
            .iter()
            .all(|(k, v)| b.get(k).is_some_and(|w| contained(v, w))),
        (Value::Array(a), Value::Array(b)) => a.iter().all(|v| b.contains(v)),
        _ => old == new,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::apply;
    use crate::source::Source;
    use crate::syntax::yaml::{splice, Stream};

    const MANIFESTS: &str = "\
# two manifests
apiVersion: v1
kind: Service
metadata:
  name: web
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web   # the app
spec:
  template:
    spec:
      containers:
        - name: web
          image: web:1
";

    #[test]
    fn a_second_document_is_spliced_and_guarded() {
        let stream = Stream::parse(Source::new("k8s.yaml", MANIFESTS.as_bytes().to_vec())).unwrap();
        assert_eq!(stream.documents.len(), 2);
        let deployment = stream.tree.documents[1].root.as_ref().unwrap();
        let spec = deployment.get("spec").unwrap();
        let edit = splice::insert_under(
            &stream,
            spec,
            &stream.documents[1]["spec"],
            &["strategy"],
            &["type: RollingUpdate".into()],
        )
        .unwrap();
        assert!(edit.range.start > MANIFESTS.find("---").unwrap());
        let after = String::from_utf8(apply(MANIFESTS.as_bytes(), &[&edit])).unwrap();
        assert!(
            after.ends_with("          image: web:1\n  strategy:\n    type: RollingUpdate\n"),
            "{after}"
        );
        let fixed = Stream::parse(Source::new("k8s.yaml", after.clone().into_bytes())).unwrap();
        lines_kept(MANIFESTS, &after, [&edit].into_iter()).unwrap();
        assert_eq!(
            fixed.documents[0], stream.documents[0],
            "the first document is untouched"
        );
        assert!(contained(&stream.documents[1], &fixed.documents[1]));
        assert_eq!(
            fixed.documents[1]["spec"]["strategy"]["type"],
            "RollingUpdate"
        );

        let lossy = Edit::replace(0..MANIFESTS.find("kind").unwrap(), "");
        let after = String::from_utf8(apply(MANIFESTS.as_bytes(), &[&lossy])).unwrap();
        assert!(lines_kept(MANIFESTS, &after, std::iter::empty()).is_err());
    }
}
