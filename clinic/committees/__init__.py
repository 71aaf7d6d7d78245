"""The mediation committee as an organisation (调委会): its code and type, its members with
their positions and trainings, the register of the case numbers it issued and its seal-use
record; and the organisation table of the official report (组织队伍情况).

``access`` says who sees and changes which committee, ``selectors`` reads (the organisation
table), ``actions`` changes (each audited), ``forms`` validates, ``views`` shows. The case
numbers are the cases app's: the register is read through its ``number_register`` hook."""
