use crate::cloudformation::check::CfnContext;
use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::kit::kms_key::{check_kms_mode_cfn, check_kms_mode_tf, KmsMode};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Matcher, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "glue-security-configuration-unencrypted",
    title: "Glue security configuration leaves S3 output, CloudWatch logs or job bookmarks unencrypted",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "Glue",
    why: "Glue jobs write transformed data to S3, logs to CloudWatch and their progress (bookmarks) to Glue; a \
          security configuration that leaves one of them unencrypted leaks exactly the data the job processes, in \
          logs or in intermediate files.",
    aws_side: "AWS encrypts each target as the security configuration says; writing it is the customer's duty.",
    equivalents: Equivalents { checkov: &[], kics: &["ad5b4e97-2850-4adf-be17-1d293e0b85ee"], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_99"],
        kics: &[],
        trivy: &[],
        how: "Checkov's CloudFormation check does not require the KMS keys; its Terraform check matches this rule.",
    },
    matcher: &Custom {
        what: "Flags `aws_glue_security_configuration` whose CloudWatch encryption is not `SSE-KMS` with a \
               `kms_key_arn`, whose job bookmarks encryption is not `CSE-KMS` with a `kms_key_arn`, or whose S3 \
               encryption is `DISABLED` or left out; in CloudFormation, `AWS::Glue::SecurityConfiguration` likewise \
               (`CloudWatchEncryption`, `JobBookmarksEncryption`, `S3Encryptions`).",
        fix: "Encrypt all three: `cloudwatch_encryption_mode = \"SSE-KMS\"` and `job_bookmarks_encryption_mode = \
              \"CSE-KMS\"`, each with a customer-managed `kms_key_arn`, and `s3_encryption_mode = \"SSE-KMS\"` (or \
              `SSE-S3`).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &[TF_TYPE],
            check,
            example: r#"resource "aws_glue_security_configuration" "etl" {
  name = "etl"

  encryption_configuration {
    cloudwatch_encryption {
      cloudwatch_encryption_mode = "DISABLED"
    }
    job_bookmarks_encryption {
      job_bookmarks_encryption_mode = "CSE-KMS"
      kms_key_arn                   = aws_kms_key.etl.arn
    }
    s3_encryption {
      s3_encryption_mode = "SSE-S3"
    }
  }
}"#,
            fixed_example: r#"resource "aws_glue_security_configuration" "etl" {
  name = "etl"

  encryption_configuration {
    cloudwatch_encryption {
      cloudwatch_encryption_mode = "SSE-KMS"
      kms_key_arn                = aws_kms_key.etl.arn
    }
    job_bookmarks_encryption {
      job_bookmarks_encryption_mode = "CSE-KMS"
      kms_key_arn                   = aws_kms_key.etl.arn
    }
    s3_encryption {
      s3_encryption_mode = "SSE-S3"
    }
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[CFN_TYPE],
            check: check_cfn,
            example: r#"Resources:
  Etl:
    Type: AWS::Glue::SecurityConfiguration
    Properties:
      Name: etl
      EncryptionConfiguration:
        S3Encryptions:
          - S3EncryptionMode: DISABLED
"#,
            fixed_example: r#"Resources:
  Etl:
    Type: AWS::Glue::SecurityConfiguration
    Properties:
      Name: etl
      EncryptionConfiguration:
        S3Encryptions:
          - S3EncryptionMode: SSE-S3
        CloudWatchEncryption:
          CloudWatchEncryptionMode: SSE-KMS
          KmsKeyArn: !GetAtt EtlKey.Arn
        JobBookmarksEncryption:
          JobBookmarksEncryptionMode: CSE-KMS
          KmsKeyArn: !GetAtt EtlKey.Arn
"#,
        }),
    },
};

const TF_TYPE: &str = "aws_glue_security_configuration";
const CFN_TYPE: &str = "AWS::Glue::SecurityConfiguration";

static LOGS: KmsMode = KmsMode {
    block: "encryption_configuration.cloudwatch_encryption",
    mode: "cloudwatch_encryption_mode",
    kms: &["SSE-KMS"],
    fix: "\"SSE-KMS\"",
    key: "kms_key_arn",
    off: "the jobs' CloudWatch logs are not encrypted with KMS (the default is `DISABLED`)",
    keyless: "`SSE-KMS` needs the key to encrypt the logs with",
};

static BOOKMARKS: KmsMode = KmsMode {
    block: "encryption_configuration.job_bookmarks_encryption",
    mode: "job_bookmarks_encryption_mode",
    kms: &["CSE-KMS"],
    fix: "\"CSE-KMS\"",
    key: "kms_key_arn",
    off: "the job bookmarks are not encrypted (the default is `DISABLED`)",
    keyless: "`CSE-KMS` needs the key to encrypt the bookmarks with",
};

static CFN_LOGS: KmsMode = KmsMode {
    block: "EncryptionConfiguration.CloudWatchEncryption",
    mode: "CloudWatchEncryptionMode",
    key: "KmsKeyArn",
    ..LOGS
};

static CFN_BOOKMARKS: KmsMode = KmsMode {
    block: "EncryptionConfiguration.JobBookmarksEncryption",
    mode: "JobBookmarksEncryptionMode",
    key: "KmsKeyArn",
    ..BOOKMARKS
};

static S3: Setting = Setting {
    terraform: Some(Tf {
        types: &[TF_TYPE],
        path: "encryption_configuration.s3_encryption.s3_encryption_mode",
        ..Tf::DEFAULT
    }),
    cloudformation: Some(Cfn {
        types: &[CFN_TYPE],
        path: "EncryptionConfiguration.S3Encryptions.S3EncryptionMode",
        ..Cfn::DEFAULT
    }),
    want: Want::NoneOf { insecure: &["DISABLED"], fix: "SSE-S3" },
    absent: Some("the jobs' S3 output gets no encryption of the job's own (the default is `DISABLED`)"),
    insecure: "the jobs' S3 output gets no encryption of the job's own",
    fix_title: "Encrypt the S3 output",
    ..Setting::DEFAULT
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources(TF_TYPE).collect::<Vec<_>>() {
        check_kms_mode_tf(ctx, res, &LOGS);
        check_kms_mode_tf(ctx, res, &BOOKMARKS);
    }
    S3.check_terraform(ctx);
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources(CFN_TYPE).collect::<Vec<_>>() {
        check_kms_mode_cfn(ctx, res, &CFN_LOGS);
        check_kms_mode_cfn(ctx, res, &CFN_BOOKMARKS);
    }
    S3.check_cloudformation(ctx);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    const COMPLETE: &str = r#"    cloudwatch_encryption {
      cloudwatch_encryption_mode = "SSE-KMS"
      kms_key_arn                = data.aws_kms_key.example.arn
    }
    job_bookmarks_encryption {
      job_bookmarks_encryption_mode = "CSE-KMS"
      kms_key_arn                   = data.aws_kms_key.example.arn
    }
    s3_encryption {
      kms_key_arn        = data.aws_kms_key.example.arn
      s3_encryption_mode = "SSE-KMS"
    }
"#;

    #[test]
    fn flags_each_unencrypted_target() {
        // KICS: CloudWatch `SSE-KMS` without a key; bookmarks `DISABLED`; bookmarks without a mode.
        let keyless_logs = COMPLETE.replace("      kms_key_arn                = data.aws_kms_key.example.arn\n", "");
        let bookmarks_off = COMPLETE.replace("\"CSE-KMS\"", "\"DISABLED\"");
        let bookmarks_bare = COMPLETE.replace("      job_bookmarks_encryption_mode = \"CSE-KMS\"\n", "");
        let tf = format!(
            "resource \"{TF_TYPE}\" \"a\" {{\n  encryption_configuration {{\n{keyless_logs}  }}\n}}\nresource \"{TF_TYPE}\" \"b\" {{\n  encryption_configuration {{\n{bookmarks_off}  }}\n}}\nresource \"{TF_TYPE}\" \"c\" {{\n  encryption_configuration {{\n{bookmarks_bare}  }}\n}}\nresource \"{TF_TYPE}\" \"d\" {{\n  encryption_configuration {{\n{COMPLETE}  }}\n}}\n"
        );
        assert_eq!(lines(&RULE, &tf), [3, 23, 38]);
        assert_eq!(check_fixes(&RULE, &tf), 3);
    }

    #[test]
    fn cloudformation_targets() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Glue::SecurityConfiguration\n    Properties:\n      EncryptionConfiguration:\n        CloudWatchEncryption:\n          CloudWatchEncryptionMode: SSE-KMS\n          KmsKeyArn: !Ref Key\n        JobBookmarksEncryption:\n          JobBookmarksEncryptionMode: CSE-KMS\n          KmsKeyArn: !Ref Key\n        S3Encryptions:\n          - S3EncryptionMode: DISABLED\n";
        assert_eq!(cfn_lines(&RULE, yaml), [13]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
