//! Generated Terraform for the benchmarks: a realistic module (buckets with their companion resources,
//! security groups, databases, IAM policies, variables), repeated to the size asked for. Like a maintained
//! codebase it is mostly compliant: one group in ten misses a setting, so the diagnostics stay few.

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
