package sandbox

import (
	"fmt"
	"strconv"
)

// Ids of the seeded records that callers configure or refer to. They are
// fixed so that a `draftappt sandbox` started today accepts the same
// configuration as one started tomorrow.
const (
	// DealerUUID is the main seeded dealer ("Lakeside Honda", US/Central),
	// with 120 opcodes; DepartmentUUID is its service department.
	DealerUUID     = "b5a2c1e0-4f3d-4c6b-9a1e-7d2f3c4b5a60"
	DepartmentUUID = "d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6"

	// SecondDealerUUID and SecondDepartmentUUID are a second store, so tests
	// can check that one store's customers are unknown at the other.
	SecondDealerUUID     = "c7d8e9f0-1a2b-4c3d-8e4f-5a6b7c8d9e01"
	SecondDepartmentUUID = "e9f0a1b2-c3d4-4e5f-9a6b-7c8d9e0f1a22"

	// CustomerUUID is Jane Doe at DepartmentUUID; her 2003 Honda Accord
	// (CustomerVehicleUUID) carries SampleVIN.
	CustomerUUID        = "5f0c6a3e-8b1d-4e2f-a9c7-3d5e7f9a1b20"
	CustomerVehicleUUID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c40"

	// SampleVIN is the VIN of the draft documentation's sample. It fails the
	// VIN check digit, as VINs users paste sometimes do; the sandbox warns
	// (VIN_CHECK_DIGIT) and still creates the draft.
	SampleVIN = "1HGCM82633A123456"

	// CompanyCustomerUUID is a fleet customer with a company name only.
	CompanyCustomerUUID = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c01"
	// NoVehicleCustomerUUID is a customer with no vehicle on file.
	NoVehicleCustomerUUID = "8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d12"
	// OtherStoreCustomerUUID is a customer of SecondDepartmentUUID only.
	OtherStoreCustomerUUID = "9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e23"

	// AdvisorUUID is a seeded service advisor of DealerUUID.
	AdvisorUUID = "ad715e00-0000-4000-8000-000000000001"
)

// Endpoint names, for SetDelay, SetMissingScope, FailNextOn and
// RecordedRequest.Endpoint.
const (
	EndpointDraft            = "draft"
	EndpointCustomerSearch   = "customer-search"
	EndpointCustomer         = "customer"
	EndpointOpCodes          = "opcodes"
	EndpointTransportOptions = "transport-options"
	EndpointDealers          = "dealers"
	EndpointDraftPage        = "draft-page" // GET /d/{id}; no credentials needed
	EndpointHealth           = "healthz"
	EndpointUnknown          = "unknown"
)

// apiEndpoints are the endpoints that can be delayed, faulted or put in
// missing-scope mode.
var apiEndpoints = map[string]bool{
	EndpointDraft: true, EndpointCustomerSearch: true, EndpointCustomer: true,
	EndpointOpCodes: true, EndpointTransportOptions: true, EndpointDealers: true,
}

type dealer struct {
	UUID, Name, TimeZone, DepartmentUUID string
	Advisors                             map[string]string // uuid → name
}

type department struct {
	UUID, DealerUUID, Name string
}

type vehicle struct {
	UUID, VIN, Make, Model, Plate, Color string
	Year                                 int
}

// customer is a seeded customer. The spelling flags reproduce the variation
// of real responses, which the client must accept.
type customer struct {
	UUID, DepartmentUUID                      string
	FirstName, LastName, Company, CustomerKey string
	Emails, Phones                            []string
	Vehicles                                  []vehicle

	idAsCustomerUUID  bool // "customerUuid" instead of "uuid"
	vehicleIDAsVUUID  bool // vehicles use "vehicleUuid" instead of "uuid"
	contactsAsObjects bool // emails/phones as objects instead of strings
	yearAsString      bool // vehicleYear as "2019" instead of 2019
}

func (c customer) displayName() string {
	if n := c.FirstName + " " + c.LastName; n != " " {
		return n
	}
	return c.Company
}

type operation struct {
	UUID, LaborOpCode, Name, Description string
	DurationMinutes, SortOrder           int
	Price                                float64
	Valid, Online                        bool
}

type transportOption struct {
	UUID, OptionName, CustomName, Icon string
	ShowOnline                         bool
}

func (t transportOption) name() string {
	if t.CustomName != "" {
		return t.CustomName
	}
	return t.OptionName
}

// seed is the sandbox's data; it is built once and never modified, so it is
// read without locking.
type seed struct {
	dealers     map[string]dealer
	departments map[string]department
	customers   []customer // search order
	operations  map[string][]operation
	transport   map[string][]transportOption
}

func (s *seed) customer(deptUUID, uuid string) (customer, bool) {
	for _, c := range s.customers {
		if c.UUID == uuid && c.DepartmentUUID == deptUUID {
			return c, true
		}
	}
	return customer{}, false
}

func newSeed() *seed {
	s := &seed{
		dealers: map[string]dealer{
			DealerUUID: {UUID: DealerUUID, Name: "Lakeside Honda", TimeZone: "US/Central", DepartmentUUID: DepartmentUUID,
				Advisors: map[string]string{
					AdvisorUUID:                            "Maria Gonzalez",
					"ad715e00-0000-4000-8000-000000000002": "Tom Becker",
					"ad715e00-0000-4000-8000-000000000003": "Aisha Karim",
				}},
			SecondDealerUUID: {UUID: SecondDealerUUID, Name: "Prairie Toyota", TimeZone: "US/Mountain", DepartmentUUID: SecondDepartmentUUID,
				Advisors: map[string]string{"ad715e00-0000-4000-8000-000000000010": "Greg Olsen"}},
		},
		departments: map[string]department{
			DepartmentUUID:       {UUID: DepartmentUUID, DealerUUID: DealerUUID, Name: "Lakeside Honda Service"},
			SecondDepartmentUUID: {UUID: SecondDepartmentUUID, DealerUUID: SecondDealerUUID, Name: "Prairie Toyota Service"},
		},
		customers:  seedCustomers(),
		operations: map[string][]operation{DealerUUID: seedOperations(120, "op-lh"), SecondDealerUUID: seedOperations(30, "op-pt")},
		transport: map[string][]transportOption{
			DepartmentUUID: {
				{UUID: "tr-0001-wait", OptionName: "Waiter", CustomName: "Wait at the dealership", Icon: "chair", ShowOnline: true},
				{UUID: "tr-0002-drop", OptionName: "Drop-off", Icon: "key", ShowOnline: true},
				{UUID: "tr-0003-loan", OptionName: "Loaner", CustomName: "Courtesy loaner car", Icon: "car", ShowOnline: true},
				{UUID: "tr-0004-shut", OptionName: "Shuttle", CustomName: "Local shuttle (5-mile radius)", Icon: "bus", ShowOnline: false},
			},
			SecondDepartmentUUID: {
				{UUID: "tr-0101-wait", OptionName: "Waiter", ShowOnline: true},
				{UUID: "tr-0102-drop", OptionName: "Drop-off", ShowOnline: true},
			},
		},
	}
	return s
}

func seedCustomers() []customer {
	return []customer{
		{
			UUID: CustomerUUID, DepartmentUUID: DepartmentUUID,
			FirstName: "Jane", LastName: "Doe", CustomerKey: "100234",
			Emails: []string{"jane.doe@example.com"}, Phones: []string{"3125550142"},
			Vehicles: []vehicle{
				{UUID: CustomerVehicleUUID, VIN: SampleVIN, Year: 2003, Make: "Honda", Model: "Accord", Plate: "IL-JD2003", Color: "Silver"},
				{UUID: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c41", VIN: "4T1B11HKXKU000001", Year: 2019, Make: "Toyota", Model: "Camry", Plate: "IL-CAM19", Color: "Blue"},
			},
		},
		{
			UUID: "5f0c6a3e-8b1d-4e2f-a9c7-3d5e7f9a1b21", DepartmentUUID: DepartmentUUID,
			FirstName: "Marcus", LastName: "Webb", CustomerKey: "100311",
			Emails: []string{"mwebb@example.net"}, Phones: []string{"7735550199", "3125550107"},
			Vehicles: []vehicle{
				{UUID: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c50", VIN: "1FTEW1EP0LFA00002", Year: 2020, Make: "Ford", Model: "F-150", Plate: "IL-WEBB1", Color: "Black"},
			},
			idAsCustomerUUID: true, vehicleIDAsVUUID: true,
		},
		{
			UUID: "5f0c6a3e-8b1d-4e2f-a9c7-3d5e7f9a1b22", DepartmentUUID: DepartmentUUID,
			FirstName: "Priya", LastName: "Raman", CustomerKey: "100412",
			Emails: []string{"priya.raman@example.org", "praman@work.example"}, Phones: []string{"6305550123"},
			Vehicles: []vehicle{
				{UUID: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c60", VIN: "5YJ3E1EA8MF000003", Year: 2021, Make: "Tesla", Model: "Model 3", Color: "White"},
			},
			contactsAsObjects: true, yearAsString: true,
		},
		{
			UUID: CompanyCustomerUUID, DepartmentUUID: DepartmentUUID,
			Company: "Acme Plumbing LLC", CustomerKey: "200017",
			Emails: []string{"fleet@acmeplumbing.example"}, Phones: []string{"8475550188"},
			Vehicles: []vehicle{
				{UUID: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c70", VIN: "1GCWGAFP7J1000010", Year: 2018, Make: "Chevrolet", Model: "Express 2500", Plate: "IL-ACME7", Color: "White"},
				{UUID: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c71", VIN: "1HGCM82633A004352", Year: 2003, Make: "Honda", Model: "Accord", Plate: "IL-ACME3", Color: "Gray"},
			},
			idAsCustomerUUID: true, contactsAsObjects: true,
		},
		{
			UUID: "5f0c6a3e-8b1d-4e2f-a9c7-3d5e7f9a1b24", DepartmentUUID: DepartmentUUID,
			FirstName: "Luis", LastName: "Ortega", CustomerKey: "100598",
			Emails: []string{"luis.ortega@example.com"}, Phones: []string{"2245550164"},
			Vehicles: []vehicle{
				{UUID: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c80", VIN: "2GNAXSEV6J6000004", Year: 2018, Make: "Chevrolet", Model: "Equinox", Color: "Red"},
				{UUID: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c81", VIN: "4S4BSANC6H3000005", Year: 2017, Make: "Subaru", Model: "Outback", Color: "Green"},
			},
			vehicleIDAsVUUID: true, yearAsString: true,
		},
		{
			UUID: "5f0c6a3e-8b1d-4e2f-a9c7-3d5e7f9a1b25", DepartmentUUID: DepartmentUUID,
			FirstName: "Mei", LastName: "Chen", CustomerKey: "100677",
			Emails: []string{"mei.chen@example.com"}, Phones: []string{"3125550176"},
			Vehicles: []vehicle{
				{UUID: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c90", VIN: "7FARW2H51NE000006", Year: 2022, Make: "Honda", Model: "CR-V", Plate: "IL-MEI22", Color: "Blue"},
			},
		},
		{
			UUID: "5f0c6a3e-8b1d-4e2f-a9c7-3d5e7f9a1b26", DepartmentUUID: DepartmentUUID,
			FirstName: "Robert", LastName: "Kowalski", CustomerKey: "100745",
			Phones: []string{"7085550111"},
			Vehicles: []vehicle{
				// A VIN on file that fails its check digit: myKaarma's data has these.
				{UUID: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3ca0", VIN: "1N4AL3AP1GC000007", Year: 2016, Make: "Nissan", Model: "Altima", Color: "Gold"},
			},
			idAsCustomerUUID: true,
		},
		{
			UUID: NoVehicleCustomerUUID, DepartmentUUID: DepartmentUUID,
			FirstName: "Dana", LastName: "Whitfield", CustomerKey: "100803",
			Emails: []string{"dana.w@example.com"}, Phones: []string{"3125550133"},
		},
		{
			UUID: OtherStoreCustomerUUID, DepartmentUUID: SecondDepartmentUUID,
			FirstName: "Sam", LastName: "Porter", CustomerKey: "900012",
			Emails: []string{"sam.porter@example.com"}, Phones: []string{"7205550150"},
			Vehicles: []vehicle{
				{UUID: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3cb0", VIN: "5TFAZ5CN7FX000009", Year: 2015, Make: "Toyota", Model: "Tacoma", Color: "Tan"},
				{UUID: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3cb1", VIN: "JTDKN3DU0A0000011", Year: 2010, Make: "Toyota", Model: "Prius", Color: "Silver"},
			},
			vehicleIDAsVUUID: true,
		},
	}
}

// baseServices are the everyday services; OIL and ROTATE are what the demo
// and the end-to-end tests type.
var baseServices = []struct {
	code, name, desc string
	minutes          int
	price            float64
}{
	{"OIL", "Oil Change", "Synthetic-blend oil and filter change", 30, 59.95},
	{"OILSYN", "Full Synthetic Oil Change", "Full synthetic oil and filter change", 30, 89.95},
	{"ROTATE", "Tire Rotation", "Rotate tires and set pressures", 30, 29.95},
	{"BAL", "Wheel Balance", "Balance four wheels", 45, 69.95},
	{"ALIGN", "Four-Wheel Alignment", "Computerised four-wheel alignment", 60, 129.95},
	{"BRKF", "Front Brake Pads", "Replace front brake pads, inspect rotors", 90, 249.95},
	{"BRKR", "Rear Brake Pads", "Replace rear brake pads, inspect rotors", 90, 229.95},
	{"BRKFL", "Brake Fluid Exchange", "Flush and replace brake fluid", 45, 119.95},
	{"BATT", "Battery Test and Replace", "Test battery and charging system; replace if failed", 30, 189.95},
	{"WIPER", "Wiper Blades", "Replace front wiper blades", 15, 39.95},
	{"CABIN", "Cabin Air Filter", "Replace cabin air filter", 15, 49.95},
	{"ENGAIR", "Engine Air Filter", "Replace engine air filter", 15, 44.95},
	{"COOL", "Coolant Flush", "Drain and refill engine coolant", 60, 149.95},
	{"TRANS", "Transmission Fluid Service", "Drain and fill transmission fluid", 90, 199.95},
	{"SPARK", "Spark Plugs", "Replace spark plugs", 120, 299.95},
	{"MPI", "Multi-Point Inspection", "Complimentary multi-point inspection", 30, 0},
	{"DIAG", "Check Engine Light Diagnosis", "Scan codes and diagnose the check engine light", 60, 159.95},
	{"ACCHK", "A/C Performance Check", "Check A/C performance and look for leaks", 60, 99.95},
	{"ACRECH", "A/C Recharge", "Evacuate and recharge refrigerant", 60, 179.95},
	{"TIRE4", "Mount and Balance 4 Tires", "Mount and balance four new tires", 90, 119.95},
	{"TPMS", "TPMS Sensor Service", "Diagnose and replace a tyre-pressure sensor", 45, 89.95},
	{"STATE", "State Safety Inspection", "State-required safety inspection", 30, 35},
	{"DETAIL", "Full Detail", "Interior and exterior detail", 180, 249.95},
	{"WASH", "Car Wash", "Complimentary exterior wash", 15, 0},
	{"FOB", "Key Fob Battery", "Replace key fob battery", 15, 19.95},
	{"RECALL", "Recall Check", "Check for and perform open recalls", 30, 0},
	{"SUSP", "Suspension Inspection", "Inspect shocks, struts and bushings", 45, 79.95},
	{"BELT", "Serpentine Belt", "Replace serpentine belt", 60, 149.95},
	{"HEADL", "Headlight Restoration", "Restore cloudy headlight lenses", 60, 99.95},
	{"SOFTW", "Software Update", "Install the latest vehicle software", 60, 0},
}

var warrantySystems = []string{
	"Engine", "Transmission", "Drive axle", "Steering", "Suspension", "Brakes", "Climate control",
	"Electrical", "Infotainment", "Navigation", "Power windows", "Power locks", "Sunroof", "Seats",
	"Airbags", "Seat belts", "Fuel system", "Exhaust", "Emissions", "Cooling system", "Lighting",
	"Instrument cluster", "Body panels", "Paint", "Glass", "Water leak", "Wind noise", "Rattle",
	"Hybrid system", "Keyless entry",
}

// seedOperations builds n operations: everyday services, scheduled
// maintenance every 5,000 miles, warranty repairs and recall campaigns. One
// is marked invalid and some hidden from the online scheduler, as real
// dealers' lists have.
func seedOperations(n int, idPrefix string) []operation {
	var ops []operation
	add := func(code, name, desc string, minutes int, price float64) {
		i := len(ops)
		ops = append(ops, operation{
			UUID: fmt.Sprintf("%s-%04d", idPrefix, i+1), LaborOpCode: code, Name: name, Description: desc,
			DurationMinutes: minutes, Price: price, SortOrder: i + 1, Valid: true, Online: true,
		})
	}
	for _, b := range baseServices {
		add(b.code, b.name, b.desc, b.minutes, b.price)
	}
	for miles := 5; miles <= 150; miles += 5 {
		add("MAINT"+strconv.Itoa(miles)+"K", fmt.Sprintf("%d,000 Mile Service", miles),
			fmt.Sprintf("Factory-scheduled maintenance at %d,000 miles", miles), 60+(miles%30)*2, 99.95+float64(miles))
	}
	for _, sys := range warrantySystems {
		add("W"+upperAlnum(sys, 6), "Warranty: "+sys, "Diagnose and repair under warranty: "+sys, 120, 0)
	}
	for i := 1; len(ops) < n; i++ {
		add(fmt.Sprintf("RC24V%03d", i), fmt.Sprintf("Recall 24V-%03d", i), fmt.Sprintf("Safety recall campaign 24V-%03d", i), 90, 0)
	}
	ops = ops[:n]
	for i := range ops {
		switch ops[i].LaborOpCode {
		case "HEADL":
			ops[i].Valid = false // retired opcode still in the list
		case "DETAIL", "SOFTW":
			ops[i].Online = false
		}
	}
	return ops
}

func upperAlnum(s string, max int) string {
	out := make([]byte, 0, max)
	for i := 0; i < len(s) && len(out) < max; i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			out = append(out, c-'a'+'A')
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			out = append(out, c)
		}
	}
	return string(out)
}
