use crate::fix::Fix;
use crate::kit::ec2::ebs_encrypted_by_default;
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;

pub static RULE: Rule = Rule {
    id: "ebs-snapshot-unencrypted",
    title: "EBS snapshot is taken of an unencrypted volume",
    severity: Severity::High,
    row: Row::ManagedServiceConfig,
    service: "EC2",
    why: "A snapshot holds a full copy of the disk. Snapshots are shared, copied across regions and accounts \
          and kept long after the volume is gone; an unencrypted one can be made public or shared with a \
          single API call, exposing everything the disk held.",
    aws_side: "A snapshot inherits the encryption of its volume, and AWS encrypts volumes only when asked (per \
               volume, or by turning on encryption by default). Asking is the customer's duty.",
    equivalents: Equivalents { checkov: &[], kics: &[], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &["e6b4b943-6883-47a9-9739-7ada9568f8ca"],
        trivy: &[],
        how: "KICS's EBS Volume Snapshot Not Encrypted (e6b4b943) fails a snapshot of any volume without `encrypted = \
              true`, where this rule passes them when the configuration turns on EBS encryption by default.",
    },
    matcher: &Custom {
        what: "Flags `aws_ebs_snapshot` resources whose volume (an `aws_ebs_volume` of the same configuration) is \
               not encrypted, and `aws_ebs_snapshot_copy` resources that copy such a snapshot without \
               `encrypted = true`. When the volume says `encrypted = false` the finding sits on that attribute; \
               when it says nothing, on the snapshot.",
        fix: "Encrypt the source volume (`encrypted = true`), turn on `aws_ebs_encryption_by_default`, or set \
              `encrypted = true` on the snapshot copy.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ebs_snapshot", "aws_ebs_snapshot_copy", "aws_ebs_volume"],
            check,
            example: r#"resource "aws_ebs_volume" "data" {
  availability_zone = "us-west-2a"
  size              = 40
  encrypted         = false
}

resource "aws_ebs_snapshot" "data" {
  volume_id = aws_ebs_volume.data.id
}"#,
            fixed_example: r#"resource "aws_ebs_volume" "data" {
  availability_zone = "us-west-2a"
  size              = 40
  encrypted         = true
}

resource "aws_ebs_snapshot" "data" {
  volume_id = aws_ebs_volume.data.id
}"#,
        }),
        cloudformation: None,
    },
};

/// The unencrypted `aws_ebs_volume` a resource's `link` attribute refers to, and whether it says so explicitly.
fn unencrypted_volume<'m>(ctx: &TfContext<'_, 'm>, res: Resource<'m>, link: &str) -> Option<(Resource<'m>, bool)> {
    let expr = &res.block.attr(link)?.expr;
    let volume = ctx.all_resources("aws_ebs_volume").find(|v| ctx.refers_to(expr, *v, &[]))?;
    match ctx.attr(volume.block, "encrypted") {
        None => Some((volume, false)),
        Some((_, v)) if v.as_bool() == Some(false) => Some((volume, true)),
        Some(_) => None,
    }
}

fn check(ctx: &mut TfContext) {
    if ebs_encrypted_by_default(ctx) {
        return;
    }
    let snapshots: Vec<Resource> = ctx.all_resources("aws_ebs_snapshot").collect();
    // A volume that says `encrypted = false` is reported once, on itself, naming its first snapshot.
    for volume in ctx.resources("aws_ebs_volume") {
        let Some(attr) = volume.block.attr("encrypted") else { continue };
        if ctx.eval(&attr.expr).as_bool() != Some(false) {
            continue;
        }
        let of_volume = |s: &&Resource| {
            unencrypted_volume(ctx, **s, "volume_id").is_some_and(|(v, _)| std::ptr::eq(v.block, volume.block))
        };
        let Some(snap) = snapshots.iter().find(of_volume) else { continue };
        let file = ctx.file(volume);
        let fix =
            Fix::new("Encrypt the source volume", vec![edit::set_attribute(file, volume.block, "encrypted", "true")]);
        let message = format!(
            "`{}` sets `encrypted = false`, so its snapshot `{}` is not encrypted",
            volume.address(),
            snap.address()
        );
        ctx.report_with_fix(volume, attr.range, message, fix);
    }
    // A volume that says nothing: the snapshot is reported.
    for snap in ctx.resources("aws_ebs_snapshot") {
        let Some((volume, false)) = unencrypted_volume(ctx, snap, "volume_id") else { continue };
        let file = ctx.file(volume);
        let fix =
            Fix::new("Encrypt the source volume", vec![edit::set_attribute(file, volume.block, "encrypted", "true")]);
        let message = format!("`{}` is a snapshot of `{}`, which is not encrypted", snap.address(), volume.address());
        let finding = ctx.report(snap, snap.block.header, message);
        if volume.file == snap.file {
            finding.fixes.push(fix);
        }
    }
    for copy in ctx.resources("aws_ebs_snapshot_copy").collect::<Vec<_>>() {
        let encrypted = ctx.attr(copy.block, "encrypted");
        if encrypted.as_ref().is_some_and(|(_, v)| v.as_bool() != Some(false)) {
            continue;
        }
        let Some(source) = copy.block.attr("source_snapshot_id") else { continue };
        let Some(snap) = snapshots.iter().find(|s| ctx.refers_to(&source.expr, **s, &[])) else { continue };
        if unencrypted_volume(ctx, *snap, "volume_id").is_none() {
            continue;
        }
        let file = ctx.file(copy);
        let fix = Fix::new("Encrypt the copy", vec![edit::set_attribute(file, copy.block, "encrypted", "true")]);
        let range = encrypted.map(|(a, _)| a.range).unwrap_or(copy.block.header);
        let message =
            format!("`{}` copies the unencrypted snapshot `{}` without encrypting it", copy.address(), snap.address());
        ctx.report_with_fix(copy, range, message, fix);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn reports_on_the_volume_when_it_says_false() {
        let text = r#"resource "aws_ebs_volume" "v" {
  size      = 40
  encrypted = false
}
resource "aws_ebs_snapshot" "s" {
  volume_id = aws_ebs_volume.v.id
  tags {
    Name = "Production"
  }
}
"#;
        assert_eq!(lines(&RULE, text), vec![3]);
        assert_eq!(check_fixes(&RULE, text), 1);
    }

    #[test]
    fn reports_on_the_snapshot_when_the_volume_says_nothing() {
        let text = r#"resource "aws_ebs_volume" "v" {
  size = 40
}
resource "aws_ebs_snapshot" "s" {
  volume_id = aws_ebs_volume.v.id
}
resource "aws_ebs_snapshot_copy" "c" {
  source_snapshot_id = aws_ebs_snapshot.s.id
  source_region      = "us-west-2"
}
"#;
        assert_eq!(lines(&RULE, text), vec![4, 7]);
        assert_eq!(check_fixes(&RULE, text), 2);
    }

    #[test]
    fn ignores_encrypted_unknown_and_missing_volumes() {
        let text = r#"resource "aws_ebs_volume" "v" {
  encrypted = true
}
resource "aws_ebs_volume" "u" {
  encrypted = var.enc
}
resource "aws_ebs_snapshot" "a" {
  volume_id = aws_ebs_volume.v.id
}
resource "aws_ebs_snapshot" "b" {
  volume_id = aws_ebs_volume.u.id
}
resource "aws_ebs_snapshot" "c" {
  volume_id = aws_ebs_volume.missing.id
}
resource "aws_ebs_snapshot" "d" {
  volume_id = "vol-123"
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }
}
