/** Sliding-window login limits per email and per IP address (in memory, per instance). */
export interface LoginLimiter {
  /** Records an attempt; false when the caller is over a limit and must wait. */
  attempt(email: string, ip: string, nowMs: number): boolean;
  /** A successful sign-in clears that email's count. */
  succeeded(email: string): void;
}

export function createLoginLimiter(options = { perEmail: 10, perIp: 50, windowMs: 15 * 60 * 1000 }): LoginLimiter {
  const hits = new Map<string, number[]>();
  const record = (key: string, limit: number, nowMs: number): boolean => {
    const recent = (hits.get(key) ?? []).filter((t) => t > nowMs - options.windowMs);
    recent.push(nowMs);
    hits.set(key, recent);
    return recent.length <= limit;
  };
  return {
    attempt(email, ip, nowMs) {
      const byEmail = record(`email:${email.toLowerCase()}`, options.perEmail, nowMs);
      const byIp = record(`ip:${ip}`, options.perIp, nowMs);
      return byEmail && byIp;
    },
    succeeded(email) {
      hits.delete(`email:${email.toLowerCase()}`);
    },
  };
}
