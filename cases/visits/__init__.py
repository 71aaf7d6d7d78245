"""巡诊: home visits requested by grid workers."""
