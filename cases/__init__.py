"""The disputes: cases, their parties and timeline, and the workflows that move them.

The folders are the workflows; each holds its ``actions`` (every change, one ``do_*`` each),
``forms`` and ``views``:

- ``intake/``: 登记 and 受理, disputes and advice, parties and consent, the first transitions;
- ``mediation/``: 调解, records, agreements, advice notes, files, and how mediation ends;
- ``follow_ups/``: 复诊, return visits after a settlement;
- ``consultations/``: 会诊, several professionals on one hard dispute;
- ``visits/``: 巡诊, home visits requested by grid workers;
- ``sweeps/``: 排查, the ledger of sweeps for disputes and what each found;
- ``documents/``: 文书与卷宗, the printed papers and the bound case file;
- ``statistics/``: 统计, figures, exports and filings.
- ``subsidies/``: 以案定补, the district's subsidy rule, 卷宗 review and monthly statements.

What every workflow shares is named by what it is: ``models/`` (one module per noun),
``access`` (who may see and do what), ``people`` (who holds a role for a case), ``changes``
(claiming a version, firing a transition, case numbers), ``timeline`` (one constructor per kind
of event), ``jobs`` (background jobs), ``pages`` (the form page and the one policy for a refused
submission), ``selectors`` (reads that span queries) and ``transitions`` (the transition pages).

Imports go one way, each layer using only those above it (``tests/test_layers.py`` checks it):

1. ``choices``, ``models``, ``deadlines``, ``dates`` (the order of a case's dates)
2. ``access``, ``people``, ``changes``, ``timeline``, ``jobs``
3. ``cases.actions`` (the case as a whole), ``cases.forms`` (shared forms), ``intake``
4. ``follow_ups``
5. ``mediation`` (settling schedules the follow-ups)
6. ``consultations`` (concluding may settle at once)
7. ``visits`` (the outcome registers, mediates and assigns), then ``sweeps`` (a dispute found
   becomes a home-visit request or a case)
8. ``documents``, ``statistics``, ``subsidies``
9. ``selectors``, ``transitions``, ``pages``, every ``views`` and ``urls``, ``templatetags``,
   ``tasks``, ``admin``, management commands. Nothing but a URLconf imports a ``views`` module.
"""
