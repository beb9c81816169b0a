import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";

// GET/POST /api/auth/* - next-auth: sign-in with credentials, session, sign-out
const handler = NextAuth(authOptions);
export { handler as GET, handler as POST };
