import { z } from "zod";

/** An IPv4 or IPv6 block in CIDR notation. One rule for every value that takes one. */
export const cidrSchema = z
  .string()
  .regex(/^[0-9a-fA-F.:]+\/\d{1,3}$/, "not a CIDR (examples: 10.0.0.0/16, fd00::/8)");
