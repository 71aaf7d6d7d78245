"""How long each kind of text may be, in characters, and the bounds of amounts: one name per
kind, used by the models (``max_length``, a text box's ``maxlength`` comes with it) and by the
forms that are not model forms.

A text field takes the limit of what it holds, never a number of its own. The longest text a
printed paper may hold (``RECORD``) renders within the document benchmark's limit
(``bench/documents.py``).
"""

from __future__ import annotations

from decimal import Decimal

#: 姓名: a person's name, a party's (which may be an organisation's short name).
NAME = 50
#: An organisation, a court or a committee: 盘龙区人民法院, 某某物业服务有限公司.
ORGANISATION = 100
#: 住址: an address down to the building (金江路社区 12 栋).
ADDRESS = 200
#: The unit and room (2 单元 501).
ROOM = 50
#: Where a session or a meeting is held (调解室).
PLACE = 100
#: A phone number as stored: ``0871-65123456转123456`` and ``+`` with 15 digits both fit.
PHONE = 20
#: An identity document's number (a resident ID is 18 characters, a passport fewer).
ID_NUMBER = 30
#: 统一社会信用代码: a unit's code, 18 characters (GB 32100-2015).
CREDIT_CODE = 18
#: Someone else's reference or a volume number (a court's 案号, 卷号).
REFERENCE = 100
#: One line of free text: a reason, a refusal, a title, a description, preferred times.
LINE = 200
#: A few lines: a note on the case, who attended, a clinic's opening hours.
NOTE = 500
#: 案情摘要, 问题描述: what a dispute or question is about; a reason given in paragraphs
#: (declining, ending, escalating), what a follow-up found.
SUMMARY = 2000
#: 解答: an answer, an advice note, an opinion, an agreement's facts and terms.
ANSWER = 5000
#: 笔录: what each side said at a mediation meeting, the longest text a person types.
RECORD = 30000

#: An amount of money, when given: one fen at least, below a trillion yuan (14 digits).
AMOUNT_MIN = Decimal("0.01")
AMOUNT_DIGITS = 14
AMOUNT_PLACES = 2

#: A session lasts at most this many hours (sessions, and so the roster's monthly minimum).
SESSION_HOURS = 12
#: A month's on-site hours and shifts a roster may ask of one person at most.
MONTHLY_HOURS = 200
MONTHLY_SHIFTS = 31
