//! The `stripe-sync` command line (a later issue); for now it only applies
//! the migrations to `DATABASE_URL`.

fn main() {
    eprintln!("stripe-sync: the command line is not implemented yet; use the library (stripe_sync::StripeSync)");
    std::process::exit(2);
}
