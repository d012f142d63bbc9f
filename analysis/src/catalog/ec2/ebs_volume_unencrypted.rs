use crate::cloudformation::check::CfnContext;
use crate::fix::Fix;
use crate::kit::ec2::cfn_require_true;
use crate::kit::ec2::ebs_encrypted_by_default;
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;

pub static RULE: Rule = Rule {
    id: "ebs-volume-unencrypted",
    title: "EBS volume is not encrypted",
    severity: Severity::High,
    row: Row::ManagedServiceConfig,
    service: "EC2",
    why: "An unencrypted volume's data, and every snapshot taken of it, is stored in clear: a snapshot shared by \
          mistake or copied by someone with snapshot permissions exposes everything on the disk. Encryption \
          cannot be added to an existing volume without copying it.",
    aws_side: "AWS runs the storage and offers AES-256 encryption with KMS at no extra cost, but encrypts a \
               volume only when the volume asks for it or when the account turns on encryption by default in \
               the region. Both are the customer's settings.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_3"],
        kics: &[],
        trivy: &["AVD-AWS-0026", "aws-ec2-enable-volume-encryption"],
    },
    related: Related {
        checkov: &[],
        kics: &["cc997676-481b-4e93-aa81-d19f8c5e9b12", "80b7ac3f-d2b7-4577-9b10-df7913497162"],
        trivy: &[],
        how: "KICS's Terraform EBS Volume Encryption Disabled (cc997676) fails every volume without `encrypted = \
              true`, where this rule passes volumes of a configuration that turns on EBS encryption by default. \
              KICS's CloudFormation query (80b7ac3f) also fails a volume restored from a `SnapshotId` that leaves \
              `Encrypted` out, which takes the snapshot's encryption and which this rule skips.",
    },
    matcher: &Custom {
        what: "Flags `aws_ebs_volume` resources with `encrypted` absent (the provider's default is unencrypted) or \
               `false`, unless the same configuration turns on EBS encryption by default \
               (`aws_ebs_encryption_by_default`).",
        fix: "Set `encrypted = true` (with a customer-managed `kms_key_id` if you need key control), or turn on \
              `aws_ebs_encryption_by_default` for the region.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ebs_volume"],
            check,
            example: r#"resource "aws_ebs_volume" "data" {
  availability_zone = "us-west-2a"
  size              = 40
}"#,
            fixed_example: r#"resource "aws_ebs_volume" "data" {
  availability_zone = "us-west-2a"
  size              = 40
  encrypted         = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::Volume"],
            check: check_cfn,
            example: r#"Resources:
  Data:
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: us-west-2a
      Size: 40
"#,
            fixed_example: r#"Resources:
  Data:
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: us-west-2a
      Size: 40
      Encrypted: true
"#,
        }),
    },
};

/// Volumes restored from a snapshot take the snapshot's encryption: only those created empty are judged.
fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::EC2::Volume").collect::<Vec<_>>() {
        if ctx.prop(res, "SnapshotId").is_some() && ctx.prop(res, "Encrypted").is_none() {
            continue;
        }
        cfn_require_true(
            ctx,
            res,
            "Encrypted",
            "does not set `Encrypted`, so the volume is not encrypted",
            "is not encrypted",
            "Encrypt the volume",
        );
    }
}

fn check(ctx: &mut TfContext) {
    if ebs_encrypted_by_default(ctx) {
        return;
    }
    for res in ctx.resources("aws_ebs_volume").collect::<Vec<_>>() {
        let file = ctx.file(res);
        let fix = Fix::new("Encrypt the volume", vec![edit::set_attribute(file, res.block, "encrypted", "true")]);
        match ctx.attr(res.block, "encrypted") {
            None => ctx.report_with_fix(
                res,
                res.block.header,
                format!("`{}` does not set `encrypted`, so the volume is not encrypted", res.address()),
                fix,
            ),
            Some((attr, v)) if v.as_bool() == Some(false) => {
                ctx.report_with_fix(res, attr.range, format!("`{}` is not encrypted", res.address()), fix)
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_absent_and_false() {
        let text = r#"resource "aws_ebs_volume" "a" {
  size = 40
}
resource "aws_ebs_volume" "b" {
  size      = 40
  encrypted = false
}
"#;
        assert_eq!(lines(&RULE, text), vec![1, 6]);
        assert_eq!(check_fixes(&RULE, text), 2);
    }

    #[test]
    fn null_is_absent_and_the_message_says_where_it_came_from() {
        let text = r#"variable "enc" {
  default = null
}
resource "aws_ebs_volume" "a" {
  size      = 40
  encrypted = var.enc
}
"#;
        let findings = crate::kit::testing::run(&RULE, text);
        assert_eq!(lines(&RULE, text), vec![6], "placed on the attribute written null");
        assert_eq!(
            &*findings[0].message,
            "`aws_ebs_volume.a` sets `encrypted` to null (`var.enc` is null), which leaves it unset, so the \
             volume is not encrypted"
        );
        assert_eq!(findings[0].fixes[0].apply(text), text.replace("encrypted = var.enc", "encrypted = true"));
    }

    #[test]
    fn ignores_encrypted_unknown_and_account_default() {
        let text = r#"variable "enc" {}
resource "aws_ebs_volume" "a" {
  encrypted = true
}
resource "aws_ebs_volume" "b" {
  encrypted = var.enc
}
"#;
        assert!(lines(&RULE, text).is_empty());
        let text = r#"resource "aws_ebs_encryption_by_default" "on" {}
resource "aws_ebs_volume" "a" {
  size = 40
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Parameters:\n  Enc: {Type: String}\nResources:\n  A:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: 100\n      Encrypted: false\n  B:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: 100\n  C:\n    Type: AWS::EC2::Volume\n    Properties: {Encrypted: !Ref Enc}\n  D:\n    Type: AWS::EC2::Volume\n    Properties: {SnapshotId: snap-1}\n  E:\n    Type: AWS::EC2::Volume\n";
        assert_eq!(cfn_lines(&RULE, yaml), [8, 9, 19]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
        let json =
            r#"{"Resources": {"A": {"Type": "AWS::EC2::Volume", "Properties": {"Size": 100, "Encrypted": "false"}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [1]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
