-- wrk report in a form bench/web.py reads: median and 95th percentile latency (µs).
done = function(summary, latency, requests)
  io.write(string.format("p50 %d\np95 %d\nrequests %d\nerrors %d\n",
    latency:percentile(50), latency:percentile(95), summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout))
end
