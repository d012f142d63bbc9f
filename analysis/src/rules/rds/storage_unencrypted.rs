use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rules::{Equivalents, Rule, Severity};
use crate::terraform::check::TfContext;
use crate::terraform::edit;

pub static RULE: Rule = Rule {
    id: "rds-storage-unencrypted",
    title: "RDS instance storage is not encrypted",
    severity: Severity::High,
    row: Row::ManagedServiceConfig,
    service: "RDS",
    what: "Flags `aws_db_instance` resources without `storage_encrypted = true` (the provider's default is \
           unencrypted), unless a KMS key or a source to inherit encryption from is given.",
    why: "Unencrypted database storage, its automated backups, read replicas and snapshots can be read by \
          anyone who obtains a copy of the volume or a shared snapshot. Encryption cannot be turned on later \
          without copying the data to a new instance.",
    aws_side: "AWS runs the database engine, the host and its disks, and encrypts with AES-256 when asked. \
               Asking is the customer's duty: RDS encrypts nothing unless `storage_encrypted` is set.",
    fix: "Set `storage_encrypted = true`, ideally with a customer-managed `kms_key_id`.",
    example: r#"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
}"#,
    fixed_example: r#"resource "aws_db_instance" "db" {
  engine            = "postgres"
  instance_class    = "db.t3.micro"
  storage_encrypted = true
}"#,
    equivalents: Equivalents {
        checkov: &["CKV_AWS_16"],
        kics: &["08bd0760-8752-44e1-9779-7bb369b2b4e4"],
        trivy: &["AVD-AWS-0080", "aws-rds-encrypt-instance-storage-data"],
    },
    resource_types: &["aws_db_instance"],
    terraform: Some(check),
    cloudformation: None,
    has_fix: true,
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_db_instance").collect::<Vec<_>>() {
        // A KMS key, a replica's source or a snapshot decide the encryption themselves.
        if ["kms_key_id", "replicate_source_db", "snapshot_identifier"].iter().any(|a| res.block.attr(a).is_some()) {
            continue;
        }
        let file = ctx.file(res);
        let fix =
            Fix::new("Encrypt the storage", vec![edit::set_attribute(file, res.block, "storage_encrypted", "true")]);
        match ctx.attr(res.block, "storage_encrypted") {
            None => ctx.report_with_fix(
                res,
                res.block.header,
                format!("`{}` does not set `storage_encrypted`, so its storage is not encrypted", res.address()),
                fix,
            ),
            Some((attr, value)) if value.as_bool() == Some(false) => {
                ctx.report_with_fix(res, attr.range, format!("`{}` disables storage encryption", res.address()), fix)
            }
            Some(_) => {}
        }
    }
}
