-- Hand-written SQL for the figures cases.statistics.figures.compute() gives one scope and
-- period: the official report's columns for the period, the period before (环比) and the year
-- before (同比), rolled up per community, committee, committee and type, type, source and in
-- total, and the page's own figures, one statement after another.
-- bench/statistics_bench.py passes the parameters:
--   %(c)s            the communities' ids
--   %(start)s, %(end)s, %(first)s, %(last)s, %(overdue_at)s, %(overdue_day)s
--                    arrays, one element per distinct period (the period first, and a year's 环比
--                    and 同比 are the same year): its first moment, the first moment after it,
--                    its first and last day, and the moment and day 期末超期 is judged at (the
--                    period's end or now, whichever is earlier)
--   %(from)s, %(to)s, %(from_day)s, %(to_day)s   from the earliest period's start to the
--                    latest's end (moments and days), for the planner
--   %(s)s, %(e)s, %(d0)s, %(d1)s   the period alone (moments and days)
--   %(ts)s, %(te)s, %(m0)s, %(m1)s the twelve months of the trend (moments and days)
--   %(now)s          now

-- 1. The official columns. Each round of a dispute is a row: the case's current round
-- (accepted at its acceptance, open since its last reopening) and each reopening's earlier
-- round (re-accepted at the reopening, open from its own acceptance to its conclusion). Legal
-- advice answered is a row too. A row joins each period it counts in, the figures are
-- counted per period and (community, committee, type, source), and the groups are rolled up.
WITH p (s, e, d0, d1, oa, od, n) AS (
       SELECT * FROM unnest(%(start)s::timestamptz[], %(end)s::timestamptz[], %(first)s::date[],
                            %(last)s::date[], %(overdue_at)s::timestamptz[], %(overdue_day)s::date[])
                     WITH ORDINALITY
     ),
     reopened AS (SELECT case_id, max(at) AS at FROM cases_casereopening GROUP BY case_id),
     rounds AS (
       SELECT c.id, c.community_id, c.committee_id, c.dispute_type, c.source, c.kind,
              c.accepted_at AS acc_at, false AS re, c.accepted_at, o.at AS reopened_at,
              CASE WHEN c.outcome IN ('settled_written', 'settled_oral')
                     THEN coalesce(c.settled_at, c.closed_at)
                   WHEN c.outcome = '' THEN NULL
                   ELSE c.closed_at END AS concluded_at,
              c.outcome, c.level, c.amount_agreed, c.mediation_due, c.closed_at,
              c.amount_involved, c.prevented_criminal, c.prevented_criminal_persons,
              c.prevented_petition, c.prevented_petition_persons
       FROM cases_case c LEFT JOIN reopened o ON o.case_id = c.id
       WHERE c.community_id = ANY(%(c)s)
         AND ((c.kind = 'dispute' AND c.accepted_at < %(to)s
               AND (c.settled_at >= %(from)s OR c.closed_at >= %(from)s
                    OR (c.settled_at IS NULL AND c.closed_at IS NULL)))
              OR (c.kind = 'advice' AND c.closed_at >= %(from)s AND c.closed_at < %(to)s))
       UNION ALL
       SELECT c.id, c.community_id, c.committee_id, c.dispute_type, c.source, c.kind,
              r.at, true, r.accepted_at, NULL,
              CASE WHEN r.outcome IN ('settled_written', 'settled_oral')
                     THEN coalesce(r.settled_at, r.closed_at, r.at)
                   ELSE coalesce(r.closed_at, r.at) END,
              r.outcome, r.level, r.amount_agreed, r.mediation_due, NULL,
              c.amount_involved, c.prevented_criminal, c.prevented_criminal_persons,
              c.prevented_petition, c.prevented_petition_persons
       FROM cases_casereopening r JOIN cases_case c ON c.id = r.case_id
       WHERE c.community_id = ANY(%(c)s) AND c.kind = 'dispute'
         AND r.at >= %(from)s AND (r.at < %(to)s OR r.accepted_at < %(to)s)
     ),
     -- the accepted (the figures of the accepted are the case's: its money, parties and
     -- prevention), with their parties
     accepted AS MATERIALIZED (
       SELECT r.*, (SELECT count(*) FROM cases_party pt WHERE pt.case_id = r.id
                      AND pt.side IN ('applicant', 'respondent', 'third_party')) AS parties
       FROM rounds r
       WHERE r.kind = 'dispute' AND r.acc_at >= %(from)s AND r.acc_at < %(to)s
     ),
     figures AS (
       SELECT p.n, r.community_id, r.committee_id, r.dispute_type, r.source,
              count(*) FILTER (WHERE r.kind = 'dispute' AND r.accepted_at < p.s
                               AND (r.reopened_at IS NULL OR r.reopened_at < p.s)
                               AND (r.concluded_at IS NULL OR r.concluded_at >= p.s)) AS carried_in,
              0 AS accepted, 0 AS reaccepted,
              count(*) FILTER (WHERE r.kind = 'dispute' AND r.accepted_at < p.e
                               AND r.concluded_at >= p.s AND r.concluded_at < p.e
                               AND r.outcome IN ('settled_written', 'settled_oral')) AS settled,
              count(*) FILTER (WHERE r.kind = 'dispute' AND r.accepted_at < p.e
                               AND r.concluded_at >= p.s AND r.concluded_at < p.e
                               AND r.outcome = 'settled_written') AS written,
              count(*) FILTER (WHERE r.kind = 'dispute' AND r.accepted_at < p.e
                               AND r.concluded_at >= p.s AND r.concluded_at < p.e
                               AND r.outcome = 'settled_oral') AS oral,
              count(*) FILTER (WHERE r.kind = 'dispute' AND r.accepted_at < p.e
                               AND r.concluded_at >= p.s AND r.concluded_at < p.e
                               AND r.outcome IN ('settled_written', 'settled_oral')
                               AND r.level = 'community') AS settled_community,
              count(*) FILTER (WHERE r.kind = 'dispute' AND r.accepted_at < p.e
                               AND r.concluded_at >= p.s AND r.concluded_at < p.e
                               AND r.outcome IN ('settled_written', 'settled_oral')
                               AND r.level = 'street') AS settled_street,
              count(*) FILTER (WHERE r.kind = 'dispute' AND r.accepted_at < p.e
                               AND r.concluded_at >= p.s AND r.concluded_at < p.e
                               AND r.outcome IN ('failed', 'party_refuses')) AS failed,
              count(*) FILTER (WHERE r.kind = 'dispute' AND r.accepted_at < p.e
                               AND r.concluded_at >= p.s AND r.concluded_at < p.e
                               AND r.outcome = 'referred_out') AS referred,
              count(*) FILTER (WHERE r.kind = 'dispute' AND r.accepted_at < p.e
                               AND r.concluded_at >= p.s AND r.concluded_at < p.e
                               AND r.outcome NOT IN ('settled_written', 'settled_oral', 'failed',
                                                     'party_refuses', 'referred_out')) AS ended,
              count(*) FILTER (WHERE r.kind = 'dispute' AND r.accepted_at < p.e
                               AND r.concluded_at >= p.s AND r.concluded_at < p.e
                               AND r.outcome = 'withdrawn') AS withdrawn,
              count(*) FILTER (WHERE r.kind = 'dispute' AND r.accepted_at < p.e
                               AND r.concluded_at >= p.s AND r.concluded_at < p.e
                               AND r.outcome IN ('declined_scope', 'declined_duplicate',
                                                 'declined_refused')) AS declined,
              count(*) FILTER (WHERE r.kind = 'dispute' AND r.accepted_at < p.e
                               AND (r.reopened_at IS NULL OR r.reopened_at < p.e)
                               AND (r.concluded_at IS NULL OR r.concluded_at >= p.e)) AS still_open,
              count(*) FILTER (WHERE r.kind = 'dispute' AND r.accepted_at < p.oa
                               AND (r.reopened_at IS NULL OR r.reopened_at < p.oa)
                               AND (r.concluded_at IS NULL OR r.concluded_at >= p.oa)
                               AND r.mediation_due < p.od) AS overdue,
              0 AS confirm_applied, 0 AS confirm_confirmed, 0 AS agreements_performed,
              0 AS amount_involved,
              coalesce(sum(r.amount_agreed) FILTER (
                WHERE r.kind = 'dispute' AND r.accepted_at < p.e AND r.concluded_at >= p.s
                  AND r.concluded_at < p.e AND r.outcome IN ('settled_written', 'settled_oral')),
                0) AS amount_agreed,
              0 AS parties, 0 AS multi_party, 0 AS criminal_cases, 0 AS criminal_persons,
              0 AS petition_cases, 0 AS petition_persons,
              count(*) FILTER (WHERE r.kind = 'advice' AND r.closed_at >= p.s
                               AND r.closed_at < p.e) AS advice
       FROM rounds r JOIN p
         ON (r.kind = 'advice' AND r.closed_at >= p.s AND r.closed_at < p.e)
            OR (r.kind = 'dispute' AND r.accepted_at < p.e
                AND (r.concluded_at IS NULL OR r.concluded_at >= p.s))
       GROUP BY 1, 2, 3, 4, 5
       UNION ALL
       SELECT p.n, a.community_id, a.committee_id, a.dispute_type, a.source,
              0, count(*), count(*) FILTER (WHERE a.re), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
              0, 0, 0, coalesce(sum(a.amount_involved), 0), 0, sum(a.parties),
              count(*) FILTER (WHERE a.parties >= 3),
              count(*) FILTER (WHERE a.prevented_criminal),
              coalesce(sum(a.prevented_criminal_persons) FILTER (WHERE a.prevented_criminal), 0),
              count(*) FILTER (WHERE a.prevented_petition),
              coalesce(sum(a.prevented_petition_persons) FILTER (WHERE a.prevented_petition), 0),
              0
       FROM accepted a JOIN p ON a.acc_at >= p.s AND a.acc_at < p.e
       GROUP BY 1, 2, 3, 4, 5
       UNION ALL
       -- 司法确认: the current version of each agreement (a corrected one is not counted)
       SELECT p.n, c.community_id, c.committee_id, c.dispute_type, c.source,
              0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
              count(*) FILTER (WHERE a.confirmation_applied_on BETWEEN p.d0 AND p.d1),
              count(*) FILTER (WHERE a.confirmation = 'confirmed'
                               AND a.confirmation_decided_on BETWEEN p.d0 AND p.d1),
              0, 0, 0, 0, 0, 0, 0, 0, 0, 0
       FROM cases_agreement a JOIN cases_case c ON c.id = a.case_id
       JOIN p ON a.confirmation_applied_on BETWEEN p.d0 AND p.d1
                 OR (a.confirmation = 'confirmed'
                     AND a.confirmation_decided_on BETWEEN p.d0 AND p.d1)
       WHERE c.community_id = ANY(%(c)s) AND c.kind = 'dispute'
         AND (a.confirmation_applied_on BETWEEN %(from_day)s AND %(to_day)s
              OR (a.confirmation = 'confirmed'
                  AND a.confirmation_decided_on BETWEEN %(from_day)s AND %(to_day)s))
         AND NOT EXISTS (SELECT FROM cases_agreement v WHERE v.supersedes_id = a.id)
       GROUP BY 1, 2, 3, 4, 5
       UNION ALL
       -- 已履行: agreements a follow-up first found fully performed (no earlier visit of the
       -- case found the same agreement performed, and one recorded without its agreement stands
       -- for its case's)
       SELECT p.n, c.community_id, c.committee_id, c.dispute_type, c.source,
              0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
              count(DISTINCT f.agreement_id)
                + count(DISTINCT f.case_id) FILTER (WHERE f.agreement_id IS NULL),
              0, 0, 0, 0, 0, 0, 0, 0, 0
       FROM cases_followup f JOIN cases_case c ON c.id = f.case_id
       JOIN p ON f.done_at >= p.s AND f.done_at < p.e
       WHERE c.community_id = ANY(%(c)s) AND c.kind = 'dispute'
         AND f.performance = 'full' AND f.cancelled_at IS NULL
         AND f.done_at >= %(from)s AND f.done_at < %(to)s
         AND NOT EXISTS (SELECT FROM cases_followup g
                         WHERE g.case_id = f.case_id AND g.performance = 'full'
                           AND g.done_at < f.done_at
                           AND g.agreement_id IS NOT DISTINCT FROM f.agreement_id)
       GROUP BY 1, 2, 3, 4, 5
     )
SELECT n, GROUPING(community_id, committee_id, dispute_type, source) AS grouping,
       community_id, committee_id, dispute_type, source,
       sum(carried_in) AS carried_in, sum(accepted) AS accepted, sum(reaccepted) AS reaccepted,
       sum(settled) AS settled, sum(written) AS written, sum(oral) AS oral,
       sum(settled_community) AS settled_community, sum(settled_street) AS settled_street,
       sum(failed) AS failed, sum(referred) AS referred, sum(ended) AS ended,
       sum(withdrawn) AS withdrawn, sum(declined) AS declined, sum(still_open) AS still_open,
       sum(overdue) AS overdue, sum(confirm_applied) AS confirm_applied,
       sum(confirm_confirmed) AS confirm_confirmed,
       sum(agreements_performed) AS agreements_performed,
       sum(amount_involved) AS amount_involved, sum(amount_agreed) AS amount_agreed,
       sum(parties) AS parties, sum(multi_party) AS multi_party,
       sum(accepted) FILTER (WHERE source IN ('walk_in', 'online')) AS source_parties,
       sum(accepted) FILTER (WHERE source IN ('own_initiative', 'grid_referral'))
         AS source_initiative,
       sum(accepted) FILTER (WHERE source IN ('police', 'court', 'court_entrusted', 'petitions',
                                              'government')) AS source_referred,
       sum(accepted) FILTER (WHERE source = 'court') AS court_delegated,
       sum(accepted) FILTER (WHERE source = 'court_entrusted') AS court_entrusted,
       sum(criminal_cases) AS criminal_cases, sum(criminal_persons) AS criminal_persons,
       sum(petition_cases) AS petition_cases, sum(petition_persons) AS petition_persons,
       sum(advice) AS advice
FROM figures
GROUP BY GROUPING SETS ((n, community_id), (n, committee_id), (n, committee_id, dispute_type),
                        (n, dispute_type), (n, source), (n));

-- 2. 万人成讼率: the court's civil first-instance filings of each community in each period
-- (the months it overlaps, whole), with the residents
SELECT p.n, m.id, m.population, sum(f.civil_first_instance)
FROM clinic_community m
CROSS JOIN unnest(%(first)s::date[], %(last)s::date[]) WITH ORDINALITY AS p (d0, d1, n)
LEFT JOIN cases_courtfilingcount f ON f.community_id = m.id
     AND f.month >= date_trunc('month', p.d0)::date AND f.month <= p.d1
WHERE m.id = ANY(%(c)s)
GROUP BY 1, 2, 3;

-- 3. The reporting units: the committees of the communities and of their streets
SELECT k.id, k.name, k.level, k.community_id FROM clinic_mediationcommittee k
WHERE k.community_id = ANY(%(c)s)
   OR (k.level = 'street'
       AND k.street_id IN (SELECT street_id FROM clinic_community WHERE id = ANY(%(c)s)))
ORDER BY k.street_id, k.level DESC, k.community_id, k.id;

-- 4. The modes the disputes went through in the period
SELECT c.community_id, e.to_state, count(DISTINCT e.case_id) FROM cases_caseevent e
JOIN cases_case c ON c.id = e.case_id
WHERE c.community_id = ANY(%(c)s) AND e.kind = 'transition'
  AND e.to_state IN ('sit_in', 'patrol', 'joint_consultation', 'follow_up')
  AND e.at >= %(s)s AND e.at < %(e)s
GROUP BY 1, 2;

-- 5. Days from acceptance to settlement: averages and medians per community and overall
SELECT community_id, avg(settled_at - accepted_at),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY settled_at - accepted_at)
FROM cases_case
WHERE community_id = ANY(%(c)s) AND kind = 'dispute' AND accepted_at IS NOT NULL
  AND outcome IN ('settled_written', 'settled_oral') AND settled_at >= %(s)s AND settled_at < %(e)s
GROUP BY ROLLUP (community_id);

-- 6. The twelve-month trend: the disputes concluded each month (a reopened case's earlier
-- round included) by how they ended
SELECT date_trunc('month', concluded_at AT TIME ZONE 'Asia/Shanghai') AS month,
       count(*) FILTER (WHERE outcome IN ('settled_written', 'settled_oral')
                        AND level = 'community'),
       count(*) FILTER (WHERE outcome IN ('settled_written', 'settled_oral') AND level = 'street'),
       count(*) FILTER (WHERE outcome IN ('failed', 'party_refuses')),
       count(*) FILTER (WHERE outcome = 'referred_out')
FROM (
  SELECT CASE WHEN outcome IN ('settled_written', 'settled_oral')
                THEN coalesce(settled_at, closed_at)
              WHEN outcome = '' THEN NULL
              ELSE closed_at END AS concluded_at, outcome, level
  FROM cases_case
  WHERE community_id = ANY(%(c)s) AND kind = 'dispute' AND accepted_at IS NOT NULL
    AND ((settled_at >= %(ts)s AND settled_at < %(te)s)
         OR (closed_at >= %(ts)s AND closed_at < %(te)s))
  UNION ALL
  SELECT CASE WHEN r.outcome IN ('settled_written', 'settled_oral')
                THEN coalesce(r.settled_at, r.closed_at, r.at)
              ELSE coalesce(r.closed_at, r.at) END, r.outcome, r.level
  FROM cases_casereopening r JOIN cases_case c ON c.id = r.case_id
  WHERE c.community_id = ANY(%(c)s) AND c.kind = 'dispute' AND r.accepted_at IS NOT NULL
    AND r.at >= %(ts)s
) concluded
WHERE outcome IN ('settled_written', 'settled_oral', 'failed', 'party_refuses', 'referred_out')
  AND concluded_at >= %(ts)s AND concluded_at < %(te)s
GROUP BY 1;

-- 7. The court's filings of the trend's months
SELECT month, sum(civil_first_instance) FROM cases_courtfilingcount
WHERE community_id = ANY(%(c)s) AND month >= %(m0)s AND month <= %(m1)s
GROUP BY 1;

-- 8. Sessions held and seats covered
SELECT cl.community_id, count(DISTINCT s.id), count(DISTINCT st.id), count(DISTINCT b.id)
FROM scheduling_clinicsession s JOIN clinic_clinic cl ON cl.id = s.clinic_id
LEFT JOIN scheduling_seat st ON st.session_id = s.id
LEFT JOIN scheduling_booking b ON b.seat_id = st.id AND b.status = 'active'
WHERE cl.community_id = ANY(%(c)s) AND s.status = 'published' AND s.ends_at <= %(now)s
  AND s.starts_at >= %(s)s AND s.starts_at < %(e)s
GROUP BY 1;

-- 9. Follow-ups due (not cancelled) and made in time, made, and of those how many found the
-- agreement performed
SELECT c.community_id,
       count(*) FILTER (WHERE f.due_on BETWEEN %(d0)s AND %(d1)s AND f.cancelled_at IS NULL),
       count(*) FILTER (WHERE f.due_on BETWEEN %(d0)s AND %(d1)s AND f.cancelled_at IS NULL
                        AND (f.done_at AT TIME ZONE 'Asia/Shanghai')::date <= f.due_on),
       count(*) FILTER (WHERE f.done_at >= %(s)s AND f.done_at < %(e)s),
       count(*) FILTER (WHERE f.done_at >= %(s)s AND f.done_at < %(e)s AND f.performance = 'full')
FROM cases_followup f JOIN cases_case c ON c.id = f.case_id
WHERE c.community_id = ANY(%(c)s)
  AND ((f.due_on BETWEEN %(d0)s AND %(d1)s) OR (f.done_at >= %(s)s AND f.done_at < %(e)s))
GROUP BY 1;

-- 10. Home visits requested and made
SELECT community_id,
       count(*) FILTER (WHERE created_at >= %(s)s AND created_at < %(e)s),
       count(*) FILTER (WHERE status = 'visited' AND visited_at >= %(s)s AND visited_at < %(e)s)
FROM cases_visitrequest
WHERE community_id = ANY(%(c)s)
  AND ((created_at >= %(s)s AND created_at < %(e)s) OR (visited_at >= %(s)s AND visited_at < %(e)s))
GROUP BY 1;

-- 11. Joint consultations convened
SELECT c.community_id, count(*) FROM cases_jointconsultation j
JOIN cases_case c ON c.id = j.case_id
WHERE c.community_id = ANY(%(c)s) AND j.convened_at >= %(s)s AND j.convened_at < %(e)s
GROUP BY 1;

-- 12. On-site hours per role
SELECT b.role, sum(CASE
         WHEN b.checked_in_at IS NOT NULL AND b.checked_out_at IS NOT NULL
           THEN b.checked_out_at - b.checked_in_at
         WHEN b.attendance = 'present' THEN s.ends_at - s.starts_at
         ELSE interval '0' END)
FROM scheduling_booking b JOIN scheduling_seat st ON st.id = b.seat_id
JOIN scheduling_clinicsession s ON s.id = st.session_id
JOIN clinic_clinic cl ON cl.id = s.clinic_id
WHERE cl.community_id = ANY(%(c)s) AND b.status <> 'cancelled'
  AND s.starts_at >= %(s)s AND s.starts_at < %(e)s
GROUP BY 1;
