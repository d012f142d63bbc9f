//! Generated Terraform for the benchmarks: a realistic module (buckets with their companion resources,
//! security groups, databases, IAM policies, variables), repeated to the size asked for, in two kinds.
//!
//! [`generate`] is the dense kind, like a legacy codebase met on the first day: every group misses settings
//! the catalog checks (customer-managed keys, bucket policies, MFA delete, replication, database monitoring
//! and ports, security groups without a VPC or attached to nothing), about 900 findings in 5,000 lines.
//! [`compliant`] is the same module maintained: every setting written, and one group in ten misses one, so
//! the diagnostics stay few (about 10 in 5,000 lines).

/// About `lines` lines of Terraform.
pub fn generate(lines: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut i = 0;
    while count < lines {
        let versioning = if i % 10 == 3 { "Suspended" } else { "Enabled" };
        let retention = if i % 10 == 7 { 1 } else { 14 };
        let group = format!(
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
  versioning_configuration {{
    status = "{versioning}"
  }}
}}

resource "aws_s3_bucket_logging" "b{i}" {{
  bucket        = aws_s3_bucket.b{i}.id
  target_bucket = "central-logs"
  target_prefix = "b{i}/"
}}

resource "aws_security_group" "sg{i}" {{
  name        = "sg-{i}"
  description = "HTTPS from the VPC"
  ingress {{
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }}
}}

resource "aws_db_instance" "db{i}" {{
  identifier                          = "db-{i}"
  engine                              = "postgres"
  instance_class                      = "db.t3.micro"
  storage_encrypted                   = true
  backup_retention_period             = {retention}
  deletion_protection                 = true
  multi_az                            = true
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql"]
}}

resource "aws_iam_policy" "p{i}" {{
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = ["s3:GetObject"], Resource = ["arn:aws:s3:::app-{i}-data/*"] }}]
  }})
}}

"#
        );
        count += group.matches('\n').count();
        out.push_str(&group);
        i += 1;
    }
    out
}

/// About `lines` lines of the [`generate`] module with every setting the catalog checks written, but one group
/// in ten missing one (versioning suspended, or a week's backups cut to a day).
pub fn compliant(lines: usize) -> String {
    let mut out = String::from(
        r#"variable "vpc_id" {
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

"#,
    );
    let mut count = out.matches('\n').count();
    let mut i = 0;
    while count < lines {
        let versioning = if i % 10 == 3 { "Suspended" } else { "Enabled" };
        let retention = if i % 10 == 7 { 1 } else { 14 };
        let group = format!(
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
  mfa    = "${{var.root_mfa_serial}} ${{var.root_mfa_code}}"
  versioning_configuration {{
    status     = "{versioning}"
    mfa_delete = "Enabled"
  }}
}}

resource "aws_s3_bucket_logging" "b{i}" {{
  bucket        = aws_s3_bucket.b{i}.id
  target_bucket = "central-logs"
  target_prefix = "b{i}/"
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "b{i}" {{
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

resource "aws_security_group" "sg{i}" {{
  name        = "sg-{i}"
  description = "HTTPS from the VPC"
  vpc_id      = var.vpc_id
  ingress {{
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.1.0/26"]
  }}
}}

resource "aws_db_instance" "db{i}" {{
  identifier                          = "db-{i}"
  engine                              = "postgres"
  instance_class                      = "db.t3.micro"
  port                                = 5433
  storage_encrypted                   = true
  kms_key_id                          = aws_kms_key.data.arn
  backup_retention_period             = {retention}
  deletion_protection                 = true
  multi_az                            = true
  copy_tags_to_snapshot               = true
  monitoring_interval                 = 60
  monitoring_role_arn                 = "arn:aws:iam::123456789012:role/rds-monitoring"
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql"]
  vpc_security_group_ids              = [aws_security_group.sg{i}.id]
}}

resource "aws_iam_policy" "p{i}" {{
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = ["s3:GetObject"], Resource = ["arn:aws:s3:::app-{i}-data/*"] }}]
  }})
}}

"#
        );
        count += group.matches('\n').count();
        out.push_str(&group);
        i += 1;
    }
    out
}
