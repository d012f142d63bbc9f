//! Generated Terraform for the benchmarks: a realistic module (buckets with their companion resources,
//! security groups, databases, IAM policies, variables), repeated to the size asked for, in two kinds.
//!
//! [`generate`] is the dense kind, like a legacy codebase met on the first day: every group misses settings
//! the catalog checks (customer-managed keys, bucket policies, MFA delete, replication, database monitoring
//! and ports, security groups without a VPC or attached to nothing), about 900 findings in 5,000 lines.
//! [`compliant`] is the same module maintained: every setting written, and one group in ten misses one, so
//! the diagnostics stay few (about 10 in 5,000 lines).

/// About `lines` lines of Terraform: the dense kind.
pub fn generate(lines: usize) -> String {
    repeat(String::new(), lines, |i| group(i, false))
}

/// About `lines` lines of the [`generate`] module with every setting the catalog checks written, but one group
/// in ten missing one (versioning suspended, or a week's backups cut to a day).
pub fn compliant(lines: usize) -> String {
    let key = r#"variable "vpc_id" {
  type    = string
  default = "vpc-0123456789abcdef0"
}

resource "aws_kms_key" "data" {
  description         = "data at rest"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministers"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

"#;
    repeat(key.to_string(), lines, |i| group(i, true))
}

/// `out`, then groups until it has about `lines` lines.
fn repeat(mut out: String, lines: usize, group: impl Fn(usize) -> String) -> String {
    let mut count = out.matches('\n').count();
    let mut i = 0;
    while count < lines {
        let group = group(i);
        count += group.matches('\n').count();
        out.push_str(&group);
        i += 1;
    }
    out
}

/// The `i`th group: a bucket with its companions, a security group, a database and a policy. One group in ten
/// suspends versioning, another keeps a day of backups; the compliant kind writes every other setting.
fn group(i: usize, compliant: bool) -> String {
    let versioning = if i % 10 == 3 { "Suspended" } else { "Enabled" };
    let retention = if i % 10 == 7 { 1 } else { 14 };
    let only = |text: String| if compliant { text } else { String::new() };
    let mfa = only("  mfa    = \"${var.root_mfa_serial} ${var.root_mfa_code}\"\n".into());
    let status = if compliant {
        format!("    status     = \"{versioning}\"\n    mfa_delete = \"Enabled\"\n")
    } else {
        format!("    status = \"{versioning}\"\n")
    };
    let companions = only(format!(
        r#"resource "aws_s3_bucket_server_side_encryption_configuration" "b{i}" {{
  bucket = aws_s3_bucket.b{i}.id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }}
  }}
}}

resource "aws_s3_bucket_policy" "b{i}" {{
  bucket = aws_s3_bucket.b{i}.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Sid       = "TLSOnly"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["${{aws_s3_bucket.b{i}.arn}}", "${{aws_s3_bucket.b{i}.arn}}/*"]
      Condition = {{ Bool = {{ "aws:SecureTransport" = "false" }} }}
    }}]
  }})
}}

resource "aws_s3_bucket_replication_configuration" "b{i}" {{
  bucket = aws_s3_bucket.b{i}.id
  role   = "arn:aws:iam::123456789012:role/replication"
  rule {{
    status = "Enabled"
    destination {{
      bucket = "arn:aws:s3:::app-{i}-replica"
    }}
  }}
  depends_on = [aws_s3_bucket_versioning.b{i}]
}}

"#
    ));
    let vpc = only("  vpc_id      = var.vpc_id\n".into());
    let cidr = if compliant { "10.0.1.0/26" } else { "10.0.0.0/8" };
    let port = only("  port                                = 5433\n".into());
    let key = only("  kms_key_id                          = aws_kms_key.data.arn\n".into());
    let maintained = only(
        "  copy_tags_to_snapshot               = true\n  monitoring_interval                 = 60\n  \
         monitoring_role_arn                 = \"arn:aws:iam::123456789012:role/rds-monitoring\"\n"
            .into(),
    );
    let groups = only(format!("  vpc_security_group_ids              = [aws_security_group.sg{i}.id]\n"));
    format!(
        r#"variable "name_{i}" {{
  type    = string
  default = "app-{i}"
}}

resource "aws_s3_bucket" "b{i}" {{
  bucket = "${{var.name_{i}}}-data"
  tags = {{
    Name = "bucket {i}"
  }}
}}

resource "aws_s3_bucket_versioning" "b{i}" {{
  bucket = aws_s3_bucket.b{i}.id
{mfa}  versioning_configuration {{
{status}  }}
}}

resource "aws_s3_bucket_logging" "b{i}" {{
  bucket        = aws_s3_bucket.b{i}.id
  target_bucket = "central-logs"
  target_prefix = "b{i}/"
}}

{companions}resource "aws_security_group" "sg{i}" {{
  name        = "sg-{i}"
  description = "HTTPS from the VPC"
{vpc}  ingress {{
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["{cidr}"]
  }}
}}

resource "aws_db_instance" "db{i}" {{
  identifier                          = "db-{i}"
  engine                              = "postgres"
  instance_class                      = "db.t3.micro"
{port}  storage_encrypted                   = true
{key}  backup_retention_period             = {retention}
  deletion_protection                 = true
  multi_az                            = true
{maintained}  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql"]
{groups}}}

resource "aws_iam_policy" "p{i}" {{
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = ["s3:GetObject"], Resource = ["arn:aws:s3:::app-{i}-data/*"] }}]
  }})
}}

"#
    )
}
