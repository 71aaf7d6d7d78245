-- Hand-written SQL equivalent to cases.statistics.compute() for one scope and period.
-- Parameters: %(c)s community ids, %(s)s start, %(e)s end. One statement per semicolon.

-- the per-community case figures
SELECT community_id,
        count(*) FILTER (WHERE kind='dispute' AND accepted_at >= %(s)s AND accepted_at < %(e)s),
        count(*) FILTER (WHERE kind='advice' AND closed_at >= %(s)s AND closed_at < %(e)s),
        count(*) FILTER (WHERE outcome IN ('settled_written','settled_oral')
                         AND settled_at >= %(s)s AND settled_at < %(e)s),
        count(*) FILTER (WHERE outcome IN ('settled_written','settled_oral') AND level='community'
                         AND settled_at >= %(s)s AND settled_at < %(e)s),
        count(*) FILTER (WHERE outcome IN ('settled_written','settled_oral') AND level='street'
                         AND settled_at >= %(s)s AND settled_at < %(e)s),
        count(*) FILTER (WHERE outcome IN ('failed','party_refuses')
                         AND closed_at >= %(s)s AND closed_at < %(e)s),
        count(*) FILTER (WHERE outcome='withdrawn' AND closed_at >= %(s)s AND closed_at < %(e)s),
        count(*) FILTER (WHERE outcome LIKE 'declined%%' AND closed_at >= %(s)s AND closed_at < %(e)s),
        count(*) FILTER (WHERE outcome='referred_out' AND closed_at >= %(s)s AND closed_at < %(e)s),
        count(*) FILTER (WHERE kind='dispute' AND accepted_at < %(e)s
                         AND (settled_at IS NULL OR settled_at >= %(e)s)
                         AND (closed_at IS NULL OR closed_at >= %(e)s)),
        sum(amount_involved) FILTER (WHERE kind='dispute' AND accepted_at >= %(s)s AND accepted_at < %(e)s),
        sum(amount_agreed) FILTER (WHERE outcome IN ('settled_written','settled_oral')
                         AND settled_at >= %(s)s AND settled_at < %(e)s)
       FROM cases_case WHERE community_id = ANY(%(c)s)
        AND ((accepted_at >= %(s)s AND accepted_at < %(e)s) OR (settled_at >= %(s)s AND settled_at < %(e)s)
             OR (closed_at >= %(s)s AND closed_at < %(e)s)
             OR (accepted_at < %(e)s AND (closed_at IS NULL OR closed_at >= %(e)s)))
       GROUP BY community_id;

-- the modes
SELECT c.community_id, e.to_state, count(DISTINCT e.case_id) FROM cases_caseevent e
       JOIN cases_case c ON c.id = e.case_id
       WHERE c.community_id = ANY(%(c)s) AND e.kind='transition'
         AND e.to_state IN ('sit_in','patrol','joint_consultation','follow_up')
         AND e.at >= %(s)s AND e.at < %(e)s GROUP BY 1, 2;

-- days to settlement: averages and medians per community and overall
SELECT community_id, avg(settled_at - accepted_at),
              percentile_cont(0.5) WITHIN GROUP (ORDER BY settled_at - accepted_at)
       FROM cases_case WHERE community_id = ANY(%(c)s)
         AND outcome IN ('settled_written','settled_oral') AND settled_at >= %(s)s AND settled_at < %(e)s
       GROUP BY ROLLUP (community_id);

-- types and sources
SELECT dispute_type, source, count(*), sum(amount_agreed) FROM cases_case
       WHERE community_id = ANY(%(c)s) AND kind='dispute' AND accepted_at >= %(s)s AND accepted_at < %(e)s
       GROUP BY ROLLUP (dispute_type, source);

-- the twelve-month trend
SELECT date_trunc('month', CASE WHEN outcome IN ('settled_written','settled_oral')
                 THEN settled_at ELSE closed_at END AT TIME ZONE 'Asia/Shanghai'),
              count(*) FILTER (WHERE outcome IN ('settled_written','settled_oral') AND level='community'),
              count(*) FILTER (WHERE outcome IN ('settled_written','settled_oral') AND level='street'),
              count(*) FILTER (WHERE outcome IN ('failed','party_refuses','referred_out'))
       FROM cases_case WHERE community_id = ANY(%(c)s) AND (
         (outcome IN ('settled_written','settled_oral') AND settled_at >= %(s)s AND settled_at < %(e)s)
         OR (outcome IN ('failed','party_refuses','referred_out') AND closed_at >= %(s)s AND closed_at < %(e)s))
       GROUP BY 1;

-- sessions held and seats covered
SELECT cl.community_id, count(DISTINCT s.id), count(DISTINCT st.id), count(DISTINCT b.id)
       FROM scheduling_clinicsession s JOIN clinic_clinic cl ON cl.id = s.clinic_id
       LEFT JOIN scheduling_seat st ON st.session_id = s.id
       LEFT JOIN scheduling_booking b ON b.seat_id = st.id AND b.status = 'active'
       WHERE cl.community_id = ANY(%(c)s) AND s.status='published'
         AND s.starts_at >= %(s)s AND s.starts_at < %(e)s GROUP BY 1;

-- follow-ups due, on time, done and performed
SELECT c.community_id,
       count(*) FILTER (WHERE f.due_on >= %(s)s::date AND f.due_on < %(e)s::date),
       count(*) FILTER (WHERE f.due_on >= %(s)s::date AND f.due_on < %(e)s::date
                        AND (f.done_at AT TIME ZONE 'Asia/Shanghai')::date <= f.due_on),
       count(*) FILTER (WHERE f.done_at >= %(s)s AND f.done_at < %(e)s),
       count(*) FILTER (WHERE f.done_at >= %(s)s AND f.done_at < %(e)s AND f.performance = 'full')
FROM cases_followup f JOIN cases_case c ON c.id = f.case_id
WHERE c.community_id = ANY(%(c)s) GROUP BY 1;

-- home visits requested and done
SELECT community_id,
       count(*) FILTER (WHERE created_at >= %(s)s AND created_at < %(e)s),
       count(*) FILTER (WHERE status = 'visited' AND visited_at >= %(s)s AND visited_at < %(e)s)
FROM cases_visitrequest WHERE community_id = ANY(%(c)s) GROUP BY 1;

-- joint consultations convened
SELECT c.community_id, count(*) FROM cases_jointconsultation j
JOIN cases_case c ON c.id = j.case_id
WHERE c.community_id = ANY(%(c)s) AND j.convened_at >= %(s)s AND j.convened_at < %(e)s GROUP BY 1;

-- on-site hours per role
SELECT b.role, sum(CASE
         WHEN b.checked_in_at IS NOT NULL AND b.checked_out_at IS NOT NULL
           THEN b.checked_out_at - b.checked_in_at
         WHEN b.attendance = 'present' THEN s.ends_at - s.starts_at
         ELSE interval '0' END)
FROM scheduling_booking b JOIN scheduling_seat st ON st.id = b.seat_id
JOIN scheduling_clinicsession s ON s.id = st.session_id
JOIN clinic_clinic cl ON cl.id = s.clinic_id
WHERE cl.community_id = ANY(%(c)s) AND b.status <> 'cancelled'
  AND s.starts_at >= %(s)s AND s.starts_at < %(e)s GROUP BY 1;
