"""以案定补: a district's subsidy rule, the review of concluded cases' files (卷宗评查) and the
mediators' monthly statements, computed until approved and frozen from then on."""
