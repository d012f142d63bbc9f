pub mod sg_ssh_open_to_world;
