use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "ebs-volume-not-encrypted-cmk",
    title: "EBS volume is not encrypted with a customer-managed KMS key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "EBS",
    why: "Volumes under the AWS-managed key can be decrypted by anyone in the account allowed to use EBS; a \
          customer-managed key lets you limit who can attach or restore the data from snapshots, audit each use in \
          CloudTrail, and make the data unreadable by disabling the key.",
    aws_side: "AWS performs the encryption. Choosing the key, and governing it with a key policy, is the \
               customer's.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_189"],
        kics: &["b7063015-6c31-4658-a8e7-14f98f37fd42"],
        trivy: &["AVD-AWS-0027", "aws-ec2-volume-encryption-customer-key"],
    },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_ebs_volume"],
            path: "kms_key_id",
            applies: Some(no_default_key),
            example: r#"resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 100
  encrypted         = true
}"#,
            fixed: r#"resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 100
  encrypted         = true
  kms_key_id = "<customer-managed-kms-key-arn>"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::EC2::Volume"],
            path: "KmsKeyId",
            example: r#"Resources:
  Data:
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: eu-west-1a
      Size: 100
      Encrypted: true
"#,
            fixed: r#"Resources:
  Data:
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: eu-west-1a
      Size: 100
      Encrypted: true
      KmsKeyId: '<customer-managed-kms-key-arn>'
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Kms,
        absent: Some(
            "it is encrypted (if at all) with the account's default EBS key, usually the AWS-managed `aws/ebs`",
        ),
        insecure: "an AWS-managed key is governed by no key policy of yours",
        ..Setting::DEFAULT
    },
};

/// A configuration that sets the region's default EBS key (`aws_ebs_default_kms_key`) decides the key of
/// volumes that name none.
fn no_default_key(ctx: &TfContext, _: Resource) -> bool {
    ctx.all_resources("aws_ebs_default_kms_key").next().is_none()
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_volumes_without_a_customer_key() {
        let tf = r#"resource "aws_ebs_volume" "absent" {
  size = 10
}
resource "aws_ebs_volume" "managed" {
  kms_key_id = "arn:aws:kms:eu-west-1:111122223333:alias/aws/ebs"
}
resource "aws_ebs_volume" "cmk" {
  kms_key_id = aws_kms_key.ebs.arn
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 5]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let with_default =
            format!("{tf}resource \"aws_ebs_default_kms_key\" \"d\" {{\n  key_arn = aws_kms_key.ebs.arn\n}}\n");
        assert!(lines(&RULE, &with_default).is_empty());
    }

    #[test]
    fn cloudformation_volumes() {
        let yaml = "Parameters:\n  Key: {Type: String}\nResources:\n  A:\n    Type: AWS::EC2::Volume\n    Properties:\n      Encrypted: true\n  B:\n    Type: AWS::EC2::Volume\n    Properties:\n      KmsKeyId: !Ref Key\n";
        assert_eq!(cfn_lines(&RULE, yaml), [4]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
