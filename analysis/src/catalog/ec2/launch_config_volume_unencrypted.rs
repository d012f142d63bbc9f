use serde_json::json;

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::kit::ec2::ebs_encrypted_by_default;
use crate::kit::setting::set_cfn_item_key;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
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
        kics: &[],
        trivy: &["AVD-AWS-0008", "aws-autoscaling-enable-at-rest-encryption"],
    },
    related: Related {
        checkov: &["CKV_AWS_8"],
        kics: &["4de9de27-254e-424f-bd70-4c1e95790838"],
        trivy: &[],
        how: "Checkov's CKV_AWS_8 also inspects `aws_instance` and fails a launch configuration without any \
              `root_block_device`, but does not fail a device that leaves `encrypted` out, which this rule flags. \
              KICS's Terraform Launch Configuration Is Not Encrypted (4de9de27) fails devices without `encrypted = \
              true` even when the configuration turns on EBS encryption by default, which this rule passes, and \
              judges a device block only when it is the only one of its kind.",
    },
    matcher: &Custom {
        what: "Flags `root_block_device` and `ebs_block_device` entries of `aws_launch_configuration` resources, and \
               of the autoscaling registry module's inputs, whose `encrypted` is absent (unencrypted by default) or \
               `false`, unless the configuration turns on EBS encryption by default. Ephemeral (instance store) \
               devices are not EBS and are ignored. In CloudFormation, `BlockDeviceMappings` items of \
               `AWS::AutoScaling::LaunchConfiguration` whose `Ebs` leaves `Encrypted` out or sets it false (items \
               restored from a `SnapshotId`, `VirtualName` and `NoDevice` items are skipped).",
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
        cloudformation: Some(CfnMatcher {
            resource_types: &[CFN_TYPE],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::AutoScaling::LaunchConfiguration
    Properties:
      ImageId: ami-123456
      InstanceType: t3.micro
      BlockDeviceMappings:
        - DeviceName: /dev/xvda
          Ebs:
            VolumeSize: 20
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::AutoScaling::LaunchConfiguration
    Properties:
      ImageId: ami-123456
      InstanceType: t3.micro
      BlockDeviceMappings:
        - DeviceName: /dev/xvda
          Ebs:
            VolumeSize: 20
            Encrypted: true
"#,
        }),
    },
};

const CFN_TYPE: &str = "AWS::AutoScaling::LaunchConfiguration";

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources(CFN_TYPE).collect::<Vec<_>>() {
        let Some((mappings, _)) = ctx.prop(res, "BlockDeviceMappings") else { continue };
        for item in mappings.items() {
            let Some(ebs) = item.get("Ebs") else { continue };
            if ebs.entries().is_empty() && ebs.intrinsic().is_some() {
                continue;
            }
            let device = item.get("DeviceName").and_then(|n| ctx.eval(n).as_str().map(str::to_string));
            let device = device.map_or(String::new(), |d| format!(" `{d}`"));
            match ebs.entry("Encrypted") {
                None if ebs.get("SnapshotId").is_some() => {}
                None => {
                    let range = item.entry("Ebs").map_or(ebs.range, |e| e.range);
                    let edit = set_cfn_item_key(ctx.template, ebs, "Encrypted", &json!(true));
                    let message =
                        format!("`{}` creates the volume{device} unencrypted (`Encrypted` is not set)", res.logical_id);
                    ctx.report(res, range, message).fixes.push(Fix::new("Encrypt the volume", vec![edit]));
                }
                Some(entry) if ctx.eval(&entry.value).as_bool() == Some(false) => {
                    let edit = cfn_edit::replace_value(ctx.template, &entry.value, &json!(true));
                    let message =
                        format!("`{}` creates the volume{device} unencrypted (`Encrypted: false`)", res.logical_id);
                    ctx.report(res, entry.range, message).fixes.push(Fix::new("Encrypt the volume", vec![edit]));
                }
                Some(_) => {}
            }
        }
    }
}

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

    #[test]
    fn cloudformation_block_device_mappings() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Parameters:
  Enc:
    Type: String
Resources:
  Lc:
    Type: AWS::AutoScaling::LaunchConfiguration
    Properties:
      BlockDeviceMappings:
        - DeviceName: /dev/xvda
          Ebs:
            VolumeSize: 20
        - DeviceName: /dev/xvdb
          Ebs:
            Encrypted: false
        - DeviceName: /dev/xvdc
          Ebs:
            Encrypted: true
        - DeviceName: /dev/xvdd
          Ebs:
            SnapshotId: snap-1
        - DeviceName: /dev/xvde
          VirtualName: ephemeral0
        - DeviceName: /dev/xvdf
          Ebs:
            Encrypted: !Ref Enc
";
        assert_eq!(cfn_lines(&RULE, yaml), [10, 14]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
