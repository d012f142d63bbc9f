use crate::fix::{Edit, Fix};
use crate::kit::ec2::ebs_encrypted_by_default;
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::terraform::view::Config;

pub static RULE: Rule = Rule {
    id: "launch-config-volume-unencrypted",
    title: "Launch configuration creates unencrypted volumes",
    severity: Severity::High,
    row: Row::ManagedServiceConfig,
    service: "Auto Scaling",
    why: "Every instance the group launches gets these volumes. Left unencrypted, their data and every snapshot \
          of them are stored in clear, across the whole fleet and for as long as the group scales.",
    aws_side: "AWS encrypts EBS volumes only when the block device mapping asks for it or when the account \
               turns on encryption by default in the region. Both are the customer's settings.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["4de9de27-254e-424f-bd70-4c1e95790838"],
        trivy: &["AVD-AWS-0008", "aws-autoscaling-enable-at-rest-encryption"],
    },
    related: Related {
        checkov: &["CKV_AWS_8"],
        kics: &[],
        trivy: &[],
        how: "Checkov's CKV_AWS_8 also inspects `aws_instance` and fails a launch configuration without any \
              `root_block_device`, but does not fail a device that leaves `encrypted` out, which this rule flags.",
    },
    matcher: &Custom {
        what: "Flags `root_block_device` and `ebs_block_device` entries of `aws_launch_configuration` resources, and \
               of the autoscaling registry module's inputs, whose `encrypted` is absent (unencrypted by default) or \
               `false`, unless the configuration turns on EBS encryption by default. Ephemeral (instance store) \
               devices are not EBS and are ignored.",
        fix: "Set `encrypted = true` in each `root_block_device` and `ebs_block_device`, or turn on \
              `aws_ebs_encryption_by_default` for the region.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_launch_configuration"],
            check,
            example: r#"resource "aws_launch_configuration" "web" {
  image_id      = "ami-123456"
  instance_type = "t3.micro"

  root_block_device {
    volume_size = 20
  }
}"#,
            fixed_example: r#"resource "aws_launch_configuration" "web" {
  image_id      = "ami-123456"
  instance_type = "t3.micro"

  root_block_device {
    volume_size = 20
    encrypted   = true
  }
}"#,
        }),
        cloudformation: None,
    },
};

fn check(ctx: &mut TfContext) {
    if ebs_encrypted_by_default(ctx) {
        return;
    }
    let targets: Vec<Resource> = ctx.resources_like("aws_launch_configuration", "autoscaling").collect();
    for res in targets {
        for device in ["root_block_device", "ebs_block_device"] {
            for config in ctx.nested(res.config(), device) {
                report_device(ctx, res, device, config);
            }
        }
    }
}

fn report_device(ctx: &mut TfContext, res: Resource, device: &str, config: Config) {
    let encrypted = config.attr("encrypted");
    let value = encrypted.map(|f| ctx.value(f));
    match &value {
        // A volume restored from a snapshot inherits the snapshot's encryption.
        None if config.attr("snapshot_id").is_some() => return,
        None => {}
        Some(v) if v.as_bool() == Some(false) => {}
        Some(_) => return,
    }
    let file = ctx.file(res);
    let fix = match (config, encrypted) {
        (Config::Block(block), _) => {
            Some(Fix::new("Encrypt the volume", vec![edit::set_attribute(file, block, "encrypted", "true")]))
        }
        (Config::Object(_), Some(field)) => {
            Some(Fix::new("Encrypt the volume", vec![Edit { range: field.expr.range, text: "true".into() }]))
        }
        (Config::Object(_), None) => None,
    };
    let (range, message) = match encrypted {
        Some(field) => (field.range, format!("`{}` turns encryption off for a `{device}`", res.address())),
        None => (
            config.header(),
            format!("`{}` has a `{device}` without `encrypted = true`, so the volume is not encrypted", res.address()),
        ),
    };
    ctx.report(res, range, message).fixes.extend(fix);
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_devices_and_module_inputs() {
        let text = r#"resource "aws_launch_configuration" "a" {
  ebs_block_device {
    device_name = "/dev/xvda1"
  }
  root_block_device {
    encrypted = false
  }
  ephemeral_block_device {
    encrypted = false
  }
}
module "asg" {
  source = "terraform-aws-modules/autoscaling/aws"
  ebs_block_device = [
    {
      device_name = "/dev/xvdz"
      encrypted   = false
    }
  ]
  root_block_device = [
    {
      volume_size = "50"
    }
  ]
}
"#;
        assert_eq!(lines(&RULE, text), vec![6, 2, 21, 17]);
        assert_eq!(check_fixes(&RULE, text), 3);
    }

    #[test]
    fn ignores_encrypted_unknown_snapshot_and_no_devices() {
        let text = r#"resource "aws_launch_configuration" "a" {
  ebs_block_device {
    device_name = "/dev/xvda1"
    encrypted   = true
  }
  ebs_block_device {
    device_name = "/dev/xvdb"
    snapshot_id = "snap-1234"
  }
  root_block_device {
    encrypted = var.enc
  }
}
resource "aws_launch_configuration" "b" {
  image_id = "ami-1"
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }

    #[test]
    fn account_default_encryption_covers_it() {
        let text = r#"resource "aws_ebs_encryption_by_default" "on" {
  enabled = true
}
resource "aws_launch_configuration" "a" {
  root_block_device {
    volume_size = 20
  }
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }
}
