use crate::fix::{Edit, Fix};
use crate::kit::refs::{reference, RefKind};
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::terraform::view::Config;

pub static RULE: Rule = Rule {
    id: "ami-not-encrypted",
    title: "AMI registers unencrypted EBS snapshots",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "EC2",
    why: "Every instance launched from an unencrypted AMI gets unencrypted volumes unless the launcher overrides \
          it, and the AMI's snapshots can be copied or shared in clear; encrypting the image keeps its data \
          encrypted wherever it is launched or copied.",
    aws_side: "AWS encrypts EBS data transparently once asked. Registering images from encrypted volumes is the \
               customer's choice.",
    equivalents: Equivalents { checkov: &[], kics: &["8bbb242f-6e38-4127-86d4-d8f0b2687ae2"], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_204"],
        kics: &[],
        trivy: &[],
        how: "Checkov passes block devices that name a snapshot and AMIs without any EBS block device; onus flags \
              them unless the snapshot is known to be encrypted.",
    },
    matcher: &Custom {
        what: "Flags `aws_ami` resources with an `ebs_block_device` whose `encrypted` is absent or `false` (unless \
               its snapshot is an encrypted `aws_ebs_snapshot` or `aws_ebs_snapshot_copy` of the configuration), \
               and AMIs that declare no EBS block device at all.",
        fix: "Set `encrypted = true` in every `ebs_block_device` (with a snapshot, register an encrypted copy of \
              it).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ami"],
            check,
            example: r#"resource "aws_ami" "app" {
  name                = "app"
  virtualization_type = "hvm"
  root_device_name    = "/dev/xvda"
  ebs_block_device {
    device_name = "/dev/xvda"
    volume_size = 8
  }
}"#,
            fixed_example: r#"resource "aws_ami" "app" {
  name                = "app"
  virtualization_type = "hvm"
  root_device_name    = "/dev/xvda"
  ebs_block_device {
    device_name = "/dev/xvda"
    volume_size = 8
    encrypted = true
  }
}"#,
        }),
        cloudformation: None,
    },
};

/// Whether the device's snapshot is an encrypted snapshot of the configuration.
fn snapshot_encrypted(ctx: &TfContext, device: Config) -> bool {
    let Some(field) = device.attr("snapshot_id") else { return false };
    let Some(r) = reference(field.expr).filter(|r| r.kind == RefKind::Resource) else { return false };
    if !matches!(r.ty.as_str(), "aws_ebs_snapshot" | "aws_ebs_snapshot_copy") {
        return false;
    }
    r.targets(ctx).iter().any(|s| ctx.attr(s.block, "encrypted").is_some_and(|(_, v)| v.as_bool() == Some(true)))
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_ami") {
        let devices = ctx.nested(res.config(), "ebs_block_device");
        if devices.is_empty() {
            let message = format!("`{}` declares no encrypted EBS block device", res.address());
            ctx.report(res, res.block.header, message);
            continue;
        }
        let file = ctx.file(res);
        for device in devices {
            if snapshot_encrypted(ctx, device) {
                continue;
            }
            let name = ctx.field(device, "device_name").and_then(|(_, v)| v.as_str().map(str::to_string));
            let shown = name.map(|n| format!(" `{n}`")).unwrap_or_default();
            let title = "Encrypt the block device";
            match ctx.field(device, "encrypted") {
                None => {
                    let message = format!("`{}` registers EBS block device{shown} without encryption", res.address());
                    let finding = ctx.report(res, device.header(), message);
                    if let Some(block) = device.block() {
                        finding
                            .fixes
                            .push(Fix::new(title, vec![edit::insert_in_block(file, block, "encrypted = true")]));
                    }
                }
                Some((field, v)) if v.as_bool() == Some(false) => {
                    let message = format!("`{}` registers EBS block device{shown} unencrypted", res.address());
                    let fix = Fix::new(title, vec![Edit { range: field.expr.range, text: "true".into() }]);
                    ctx.report_with_fix(res, field.range, message, fix);
                }
                Some(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_unencrypted_devices_and_amis_without_devices() {
        let tf = r#"resource "aws_ami" "absent" {
  ebs_block_device {
    device_name = "/dev/xvda"
    snapshot_id = "snap-xxxxxxxx"
  }
}
resource "aws_ami" "off" {
  ebs_block_device {
    snapshot_id = "snap-xxxxxxxx"
    encrypted   = false
  }
}
resource "aws_ami" "none" {
  name = "x"
}
resource "aws_ami" "on" {
  ebs_block_device {
    encrypted = true
  }
}
resource "aws_ami" "from_snapshot" {
  ebs_block_device {
    snapshot_id = aws_ebs_snapshot.enc.id
  }
}
resource "aws_ebs_snapshot" "enc" {
  encrypted = true
}
resource "aws_ami" "unknown" {
  ebs_block_device {
    encrypted = var.enc
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 10, 13]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }
}
