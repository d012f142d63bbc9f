# A small, deliberately insecure Terraform module: run `onus check examples/` to see what onus finds.

resource "aws_s3_bucket" "assets" {
  bucket = "example-public-assets"
  acl    = "public-read"
}

resource "aws_security_group" "bastion" {
  name        = "bastion"
  description = "SSH to the bastion host"

  ingress {
    description = "SSH from anywhere"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_db_instance" "orders" {
  identifier        = "orders"
  engine            = "postgres"
  instance_class    = var.db_instance_class
  allocated_storage = 20
  username          = "orders"
  password          = var.db_password
}
