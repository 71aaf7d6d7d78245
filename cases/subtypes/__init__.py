"""纠纷细类: the district's second level of dispute types, kept by the district admin."""
