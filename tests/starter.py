"""Orders of the starter shop as tests need them: an order's amount is the sum of its lines,
so an order "of 1,500" is an order with one line of a product at that price."""

from growbase.catalog import catalog


def a_product(service, price="100", sku="TST-001", **values):
    """The test shop's product (made once per database)."""
    model = catalog().entity("product").model
    found = model.get_or_none(model.sku == sku)
    if found is not None:
        return found
    return service.create("product", dict({"sku": sku, "name": f"Product {sku}", "price": price,
                                           "received": 100}, **values))


def make_order(service, customer, amount=None, **values):
    """A new order of `customer`; with `amount`, one line worth that much."""
    made = service.create("order", dict(values, customer=customer))
    if amount is not None:
        add_line(service, made.id, amount)
    return catalog().entity("order").model.get_by_id(made.id)


def add_line(service, order_id, unit_price, quantity=1):
    return service.create("order_line", {"order": order_id, "product": a_product(service).id,
                                         "quantity": quantity, "unit_price": unit_price})


def lines_of(order_id):
    model = catalog().entity("order_line").model
    return list(model.select().where(model.order == order_id).order_by(model.id))
