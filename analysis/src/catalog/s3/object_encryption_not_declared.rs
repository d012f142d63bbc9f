use crate::fix::Fix;
use crate::kit::s3;
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;

pub static RULE: Rule = Rule {
    id: "s3-object-encryption-not-declared",
    title: "S3 object is uploaded without encryption settings into a bucket without declared default encryption",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "S3",
    why: "Encryption that is declared nowhere in code is lost when defaults change or objects are copied to \
          another bucket; declaring it on the object or on the bucket keeps it reviewable.",
    aws_side: "S3 encrypts every new object with SSE-S3 by default; choosing KMS, and declaring it, is the \
               customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["5fb49a69-8d46-4495-a2f8-9c8c622b2b6e"], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_186"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_186 asks every object for a customer-managed `kms_key_id`, even in an encrypted bucket.",
    },
    matcher: &Custom {
        what: "Flags `aws_s3_object` and `aws_s3_bucket_object` resources without `server_side_encryption` or \
               `kms_key_id` whose bucket declares no default encryption in the module (a bucket outside the module \
               counts as undeclared).",
        fix: "Declare default encryption on the bucket, or set `server_side_encryption = \"aws:kms\"` (with a \
              `kms_key_id`) on the object.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_s3_object", "aws_s3_bucket_object"],
            check,
            example: r#"resource "aws_s3_object" "index" {
  bucket = aws_s3_bucket.site.id
  key    = "index.html"
  source = "index.html"
}"#,
            fixed_example: r#"resource "aws_s3_object" "index" {
  bucket = aws_s3_bucket.site.id
  key    = "index.html"
  source = "index.html"
  server_side_encryption = "aws:kms"
}"#,
        }),
        cloudformation: None,
    },
};

fn check(ctx: &mut TfContext) {
    for ty in ["aws_s3_object", "aws_s3_bucket_object"] {
        for object in ctx.resources(ty).collect::<Vec<_>>() {
            if ctx.attr(object.block, "server_side_encryption").is_some()
                || ctx.attr(object.block, "kms_key_id").is_some()
            {
                continue;
            }
            let Some(attr) = object.block.attr("bucket") else { continue };
            let Some(id) = s3::bucket_id(ctx, &attr.expr) else { continue };
            let bucket = ctx.at_address(&id).into_iter().next();
            if let Some(bucket) = bucket {
                match s3::encryption_defaults(ctx, bucket) {
                    Some(defaults) if defaults.is_empty() => {}
                    _ => continue,
                }
            }
            let file = ctx.file(object);
            let fix = Fix::unsafe_(
                "Encrypt the object with KMS",
                vec![edit::set_attribute(file, object.block, "server_side_encryption", "\"aws:kms\"")],
            );
            let message = format!(
                "`{}` declares no encryption, and its bucket declares no default encryption: the object's \
                 encryption is left to S3's defaults",
                object.address()
            );
            ctx.report_with_fix(object, object.block.header, message, fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_objects_without_declared_encryption() {
        let tf = r#"resource "aws_s3_bucket" "plain" {
  bucket = "plain"
}
resource "aws_s3_bucket_object" "in_plain" {
  key    = "someobject"
  bucket = aws_s3_bucket.plain.id
  source = "index.html"
}
resource "aws_s3_object" "aes" {
  key                    = "o"
  bucket                 = aws_s3_bucket.plain.id
  server_side_encryption = "AES256"
}
resource "aws_s3_bucket" "encrypted" {
  bucket = "encrypted"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "encrypted" {
  bucket = aws_s3_bucket.encrypted.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}
resource "aws_s3_object" "in_encrypted" {
  key    = "o"
  bucket = aws_s3_bucket.encrypted.id
}
resource "aws_s3_object" "elsewhere" {
  key    = "o"
  bucket = "some-other-bucket"
}
resource "aws_s3_object" "unknown" {
  key    = "o"
  bucket = var.bucket
}
"#;
        assert_eq!(lines(&RULE, tf), [29, 4]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }
}
